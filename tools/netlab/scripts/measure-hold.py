#!/usr/bin/env python3
"""Measures what a netlab delay link really adds, from kernel timestamps, independent of the
forwarder's own statistics and of the endpoints' scheduling.

Run inside a link's router namespace while UDP traffic crosses it:
    ip netns exec <router-ns> python3 measure-hold.py <seconds> [port]
It captures on every interface of the router (AF_PACKET, SO_TIMESTAMPNS) and, for each UDP
datagram (matched by IP id + ports + payload prefix), takes the time from its arrival on the
veth from one host to its departure on the veth to the other host. It prints one JSON line:
per direction the count and hold-time percentiles in milliseconds.
"""
import json, socket, struct, sys, time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4
seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
port = int(sys.argv[2]) if len(sys.argv) > 2 else 0

s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.settimeout(0.2)
arrivals = {}
holds = {"ra->rb": [], "rb->ra": []}
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        data, anc, _flags, addr = s.recvmsg(2048, socket.CMSG_SPACE(16))
    except socket.timeout:
        continue
    ifname, pkttype = addr[0], addr[2]  # (ifname, proto, pkttype, hatype, hwaddr)
    if len(data) < 28 or data[0] >> 4 != 4 or data[9] != 17:
        continue
    ihl = (data[0] & 15) * 4
    sport, dport = struct.unpack("!HH", data[ihl:ihl + 4])
    if port and port not in (sport, dport):
        continue
    key = (data[4:6], data[12:20], sport, dport, data[ihl + 8:ihl + 16])
    ts = None
    for level, kind, value in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", value[:16])
            ts = sec + nsec / 1e9
    if ts is None:
        continue
    if ifname in ("ra", "rb") and pkttype != PACKET_OUTGOING:
        arrivals[key] = (ifname, ts)
    elif ifname in ("ra", "rb") and pkttype == PACKET_OUTGOING and key in arrivals:
        src, t0 = arrivals.pop(key)
        if src != ifname:
            holds[f"{src}->{ifname}"].append((ts - t0) * 1000)

def pct(v, p):
    v = sorted(v)
    return round(v[min(len(v) - 1, max(0, int(p * len(v) + 0.999999) - 1))], 3) if v else None

print(json.dumps({d: {"n": len(v), "min": pct(v, 0), "p50": pct(v, 0.5), "p99": pct(v, 0.99),
                      "p999": pct(v, 0.999), "max": pct(v, 1)} for d, v in holds.items()}))
