// The NAT matrix with Node peers, for real: a netlab internet lab (public, full cone, restricted
// cone, symmetric, UDP-blocked, double NAT, two hosts behind one NAT), coturn with use-auth-secret
// and the real lobby on the public server, one agent process per host. Each pair meets through the
// lobby's matchmaking and signaling, with TURN credentials from the lobby, and must carry a message
// on both channels over the expected path: host/srflx/prflx where the NATs allow it, a TURN relay
// (over UDP) only where they do not. A UDP-blocked Node peer has no WebRTC path at all (libjuice
// gathers no relay candidate over TURN-TCP: one test shows the evidence, with the lobby relay
// off), so it connects through the lobby's WebSocket relay, the last resort: every UDP-blocked
// pair opens over path lobby-relay (TCP to the lobby on 443), with no TURN attempt first (the
// blocked side's probe found no STUN answer, see the transport's negotiation/udp-probe.ts). `pnpm bench nat`
// measures every pair repeatedly; this runs each once (about three minutes).
import { isNetlabSupported } from '@tickwire/netlab';
import { hasTurnserver } from '@tickwire/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMatrixLab } from '../src/suites/nat/matrix-lab.js';
import type { MatrixLab } from '../src/suites/nat/matrix-lab.js';
import { EXPECTED_PATHS, MATRIX_SITES, matrixPairs } from '../src/suites/nat/pairs.js';
import type { PairSpec } from '../src/suites/nat/pairs.js';
import { runPair } from '../src/suites/nat/run-pair.js';

const support = isNetlabSupported();
const pairs = matrixPairs();

/**
 * Which side must be the DTLS server of a pair's first attempt: the one whose ICE connects first
 * (the transport's rtc/offer-role.ts; libdatachannel makes a ClientHello that arrives earlier wait
 * for its retransmission a second later). The answerer checks first: it connects first when the
 * offerer takes its checks (a public offerer, or the two on one LAN), else the offerer does. A
 * full-cone offerer may be either (it is read as filtering until a connection showed otherwise).
 */
function expectedServer(spec: PairSpec, offerer: 'a' | 'b'): 'offerer' | 'answerer' | undefined {
  if (spec.a.kind === 'same-nat') return 'answerer';
  const kind = spec[offerer].kind;
  if (kind === 'public') return 'answerer';
  if (kind === 'full-cone') return undefined;
  return 'offerer';
}

describe.skipIf(!support.ok || !hasTurnserver)('NAT matrix: Node peers through the lobby', () => {
  let lab: MatrixLab;

  beforeAll(async () => {
    lab = await startMatrixLab(MATRIX_SITES);
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
  }, 60_000);

  it.each(pairs.map((p) => [p.name, p.expected, p] as const))(
    '%s: both channels carry messages over a %s path',
    { timeout: 60_000 },
    async (_name, expected, spec: PairSpec) => {
      const run = await runPair(lab, spec, { connectTimeoutMs: 15_000 });
      expect(run.ok, JSON.stringify(run.outcomes)).toBe(true);
      for (const side of run.outcomes) {
        expect([...side.received].sort()).toEqual(['reliable', 'unreliable']);
        // the lobby handed out coturn's credentials for STUN, TURN/UDP and TURN/TCP
        expect(side.iceUrls).toEqual(expect.arrayContaining([lab.turn.url, lab.turn.tcpUrl]));
      }
      expect(EXPECTED_PATHS[expected as keyof typeof EXPECTED_PATHS]).toContain(run.path);
      if (expected !== 'lobby-relay') {
        // The first attempt's roles. The answer settles them (`active`: the answerer is the DTLS
        // client); the offer asks for `passive` from behind a NAT, which an answerer on the same
        // LAN overrides.
        const offererIndex = run.outcomes[0].role === 'offerer' ? 0 : 1;
        const offerer = offererIndex === 0 ? spec.a : spec.b;
        const offer = run.outcomes[offererIndex].sentSetups[0];
        const answer = run.outcomes[1 - offererIndex]!.sentSetups[0];
        const server = expectedServer(spec, offererIndex === 0 ? 'a' : 'b');
        if (server !== undefined) expect(answer).toBe(server === 'offerer' ? 'active' : 'passive');
        else expect(['active', 'passive']).toContain(answer);
        if (offerer.kind === 'public') expect(offer).toBe('active');
        else if (offerer.kind !== 'full-cone') expect(offer).toBe('passive');
      }
      const candidates = run.outcomes.flatMap((o) => (o.path ? [o.path.local, o.path.remote] : []));
      const relays = candidates.filter((c) => c.type === 'relay');
      if (expected === 'lobby-relay') {
        // both channels through the lobby on the public server, over TCP (its WebSocket on 443)
        expect(run.relayProtocol).toBe('tcp');
        for (const c of candidates) {
          expect(c).toMatchObject({ type: 'lobby-relay', address: lab.lab.server.ip, port: 443 });
        }
        expect(run.outcomes.map((o) => o.relayFallback?.via)).toEqual(['ws-relay', 'ws-relay']);
        // straight there: the UDP-blocked side's probe found no STUN answer, so no TURN attempt
        expect(run.triedTurn).toBe(false);
        expect(run.outcomes.map((o) => o.relayFallback?.reason)).toContain('udp-blocked');
      } else if (expected === 'relay') {
        // through coturn on the public server, which node-datachannel reaches over UDP
        expect(relays.length).toBeGreaterThan(0);
        for (const relay of relays) expect(relay.address).toBe(lab.lab.server.ip);
        expect(run.relayProtocol).toBe('udp');
      } else {
        expect(relays).toEqual([]);
        expect(run.fellBack).toBe(false);
      }
    },
  );

  it('UDP-blocked without the lobby relay: a Node peer gathers only its host candidate, though TURN over TCP is reachable', async () => {
    const spec = pairs.find((p) => p.name === 'public~udp-blocked')!;
    expect(spec.expected).toBe('lobby-relay');
    const blockedHost = lab.lab.site(spec.b.site).host;
    // The network lets TCP to coturn's port through: the failure below is the peer's, not the lab's.
    const tcp = `require('net').connect(${lab.turn.port}, '${lab.turn.listeningIp}')
      .on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
    await expect(blockedHost.exec(process.execPath, ['-e', tcp])).resolves.toBe('');
    const run = await runPair(lab, spec, { connectTimeoutMs: 6_000, wsRelay: false });
    expect(run.ok).toBe(false);
    const [open, blocked] = run.outcomes;
    expect(blocked.iceUrls).toContain(lab.turn.tcpUrl);
    expect(blocked.localCandidates.length).toBeGreaterThan(0);
    for (const candidate of blocked.localCandidates) expect(candidate).toMatch(/ typ host\b/);
    // the same credentials work for a peer that has UDP: it gathered relay candidates
    expect(open.localCandidates.some((c) => / typ relay\b/.test(c))).toBe(true);
    expect(blocked.error?.code ?? open.error?.code).toMatch(/TIMEOUT|CONNECTION_FAILED/);
  });
});
