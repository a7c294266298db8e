// Where the lobby bench's slow signals spend their time: reads a loopback capture of the signaling
// phase (`tcpdump -i lo -s 0 -w FILE tcp`, started at the `signaling` line of LOBBY_BENCH_PHASES and
// stopped at `signaling-end`) and the signal trace (LOBBY_BENCH_SIGNAL_TRACE), finds each signal at
// every hop by the timestamp it carries (client -> lobby A, lobby A -> Redis PUBLISH, Redis -> lobby
// B, lobby B -> client; client frames are unmasked) and prints each hop's p50/p90/p99 and its mean
// over the slowest 1 %. `DUMP=N` lists the N slowest. Usage:
//   node packages/bench/scripts/lobby-signal-hops.mjs CAPTURE.pcap TRACE
// Diagnostic only: reads files, changes nothing.
import { readFileSync } from 'node:fs';
const [pcapFile, traceFile] = process.argv.slice(2);
const buf = readFileSync(pcapFile);
const link = buf.readUInt32LE(20);
const nsec = buf.readUInt32LE(0) === 0xa1b23c4d;
const hops = new Map(); // candidate-ts -> {h1,h2,h3,h4, a, b}
const get = (k) => {
  let v = hops.get(k);
  if (!v) hops.set(k, (v = {}));
  return v;
};
const re = /candidate:1 ([0-9.]+) udp/g;
let off = 24;
while (off + 16 <= buf.length) {
  const sec = buf.readUInt32LE(off),
    frac = buf.readUInt32LE(off + 4),
    incl = buf.readUInt32LE(off + 8);
  const t = sec * 1000 + (nsec ? frac / 1e6 : frac / 1e3);
  const pkt = buf.subarray(off + 16, off + 16 + incl);
  off += 16 + incl;
  let p = link === 1 ? 14 : link === 113 ? 16 : 0;
  if (pkt.length < p + 20 || pkt[p] >> 4 !== 4) continue;
  const ihl = (pkt[p] & 15) * 4;
  const tcp = p + ihl;
  const sport = pkt.readUInt16BE(tcp),
    dport = pkt.readUInt16BE(tcp + 2);
  const doff = (pkt[tcp + 12] >> 4) * 4;
  const payload = pkt.subarray(tcp + doff);
  if (payload.length === 0) continue;
  let text = payload.toString('latin1');
  let hop;
  if (/publish\r\n/i.test(text)) hop = 'h2';
  else if (text.includes('message\r\n')) hop = 'h3';
  else if ((payload[0] & 0x0f) === 1 && payload[1] & 0x80) {
    // masked client frames: unmask every frame in the segment
    let out = '',
      i = 0;
    while (i + 2 <= payload.length) {
      let len = payload[i + 1] & 0x7f,
        h = 2;
      if (len === 126) {
        len = payload.readUInt16BE(i + 2);
        h = 4;
      } else if (len === 127) break;
      const mask = payload.subarray(i + h, i + h + 4);
      h += 4;
      const body = Buffer.from(payload.subarray(i + h, i + h + len));
      for (let j = 0; j < body.length; j++) body[j] ^= mask[j & 3];
      out += body.toString('latin1');
      i += h + len;
    }
    text = out;
    hop = 'h1';
  } else if (text.includes('"t":"signal"')) hop = 'h4';
  else continue;
  for (const m of text.matchAll(re)) {
    const v = get(m[1]);
    if (v[hop] === undefined) {
      v[hop] = t;
      if (hop === 'h1') v.a = dport;
      if (hop === 'h4') v.b = sport;
    }
  }
}
const trace = readFileSync(traceFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(' ').map(Number));
// bench clock -> epoch: min over signals of (h1 - sent)
const rows = [];
let offset = Infinity;
const byKey = new Map();
for (const [k, v] of hops) byKey.set(Number(k).toFixed(3), v);
for (const [sent, lat] of trace) {
  const v = byKey.get(sent.toFixed(3));
  if (!v || v.h1 === undefined || v.h4 === undefined || v.h2 === undefined || v.h3 === undefined) continue;
  offset = Math.min(offset, v.h1 - sent);
  rows.push({ sent, lat, ...v });
}
console.log(`signals in trace ${trace.length}, fully captured ${rows.length}, offset ${offset.toFixed(3)}`);
for (const r of rows) {
  r.s1 = r.h1 - (r.sent + offset);
  r.s2 = r.h2 - r.h1;
  r.s3 = r.h3 - r.h2;
  r.s4 = r.h4 - r.h3;
  r.s5 = r.sent + offset + r.lat - r.h4;
}
const pct = (a, q) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const segs = ['s1', 's2', 's3', 's4', 's5', 'lat'];
const names = {
  s1: 'client send->wire',
  s2: 'lobby A (recv->PUBLISH)',
  s3: 'redis (PUBLISH->message)',
  s4: 'lobby B (message->ws write)',
  s5: 'client (wire->handler)',
  lat: 'total',
};
console.log('segment'.padEnd(30), 'p50', 'p90', 'p99', 'max', 'mean over the slowest 1 %');
const sorted = [...rows].sort((a, b) => b.lat - a.lat);
const top = sorted.slice(0, Math.ceil(rows.length / 100));
for (const s of segs) {
  const a = rows.map((r) => r[s]);
  const topMean = top.reduce((x, r) => x + r[s], 0) / top.length;
  console.log(
    names[s].padEnd(30),
    pct(a, 0.5).toFixed(2),
    pct(a, 0.9).toFixed(2),
    pct(a, 0.99).toFixed(2),
    Math.max(...a).toFixed(2),
    'top1% mean',
    topMean.toFixed(2),
  );
}
if (process.env.DUMP)
  for (const r of sorted.slice(0, Number(process.env.DUMP)))
    console.log(
      new Date(r.sent + offset).toISOString().slice(11, 23),
      r.lat.toFixed(2),
      segs
        .slice(0, 5)
        .map((s) => r[s].toFixed(2))
        .join(' '),
      'A',
      r.a,
      'B',
      r.b,
    );
