// Signaling floods at one room member (issue 13, finding 4): several connections, each from its
// own address, send offers at a member who reads slowly. Before relay budgets the lobby dropped
// the *victim* as a slow reader (4010) within seconds; now the victim stays connected and the
// flooders are refused with rate_limited and cut off with 4008.
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyServer, LobbyServerOptions } from '../src/index.js';
import { RawClient, cleanup, delay, startLobby } from './helpers.js';

afterEach(cleanup);

async function metric(server: LobbyServer, line: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.slice(line.length).trim()) : 0;
}

interface Scene {
  readonly server: LobbyServer;
  readonly victim: RawClient;
  readonly victimId: string;
  readonly attackers: RawClient[];
}

/** A victim that stopped reading, in a room with `count` attackers on 127.0.0.30+. */
async function scene(count: number, options: LobbyServerOptions = {}): Promise<Scene> {
  const server = await startLobby({ maxViolations: 20, ...options });
  const victim = await RawClient.open(server.url, {}, '127.0.0.29');
  const welcome = await victim.hello();
  victim.send({ t: 'room.create', id: 1, mode: 'duel', maxPlayers: 16, public: false });
  const created = await victim.next('ok', (m) => m.re === 1);
  const roomId = (created.data as { room: { id: string } }).room.id;
  const attackers: RawClient[] = [];
  for (let i = 0; i < count; i += 1) {
    const attacker = await RawClient.open(server.url, {}, `127.0.0.${30 + i}`);
    await attacker.hello();
    attacker.send({ t: 'room.join', id: 1, roomId });
    await attacker.next('ok', (m) => m.re === 1);
    attackers.push(attacker);
  }
  // Stop reading: the kernel buffers fill first, then the lobby's send buffer for the victim.
  (victim.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  return { server, victim, victimId: welcome.sessionId, attackers };
}

/** Every attacker sends `perSecond` offers of ~7.5 KiB (under the 8 KiB maxPayload) for `ms`. */
async function flood({ attackers, victimId }: Scene, perSecond: number, ms: number): Promise<void> {
  const sdp = `v=0 ${'x'.repeat(7_600)}`;
  const ends = Date.now() + ms;
  let id = 100;
  while (Date.now() < ends) {
    for (const attacker of attackers) {
      if (attacker.ws.readyState !== attacker.ws.OPEN) continue;
      attacker.send({
        t: 'signal',
        id: (id += 1),
        to: victimId,
        data: { kind: 'description', type: 'offer', sdp },
      });
    }
    await delay(1_000 / perSecond);
  }
}

async function victimStillServed({ victim, server }: Scene): Promise<void> {
  let closedWith: number | undefined;
  void victim.closed.then(({ code }) => (closedWith = code));
  expect(closedWith).toBeUndefined();
  expect(await metric(server, 'lobby_closes_total{code="4010"}')).toBe(0);
  // Reading again, the victim drains its backlog and is answered like anybody else.
  (victim.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  victim.send({ t: 'ping', id: 9_999 });
  await victim.next('ok', (m) => m.re === 9_999, 20_000);
}

describe('relay budget per recipient', () => {
  it('keeps a flooded member connected and cuts the flooders off (per-peer sender budget)', async () => {
    const s = await scene(6);
    await flood(s, 25, 6_000);
    const closes = await Promise.all(s.attackers.map((a) => a.closed));
    expect(closes.every((c) => c.code === 4008)).toBe(true);
    expect(await metric(s.server, 'lobby_signals_dropped_total{reason="sender_budget"}')).toBeGreaterThan(0);
    await victimStillServed(s);
  }, 40_000);

  it('throttles many senders that each stay under their own budget (recipient budget)', async () => {
    const s = await scene(8, { peerSignalBytesPerSecond: 10_000_000 });
    await flood(s, 10, 6_000);
    const refused = s.attackers.flatMap((a) =>
      a.messages.filter((m) => m.t === 'error' && m.code === 'rate_limited'),
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(await metric(s.server, 'lobby_signals_dropped_total{reason="recipient_budget"}')).toBeGreaterThan(
      0,
    );
    await victimStillServed(s);
  }, 40_000);

  it('never lets signals fill a non-reading member past half its send-buffer cap (backlog guard)', async () => {
    const s = await scene(8, {
      peerSignalBytesPerSecond: 10_000_000,
      inboundSignalBytesPerSecond: 10_000_000,
      messagesPerSecond: 1_000,
      messageBurst: 1_000,
      maxViolations: 100_000,
    });
    await flood(s, 40, 6_000);
    expect(await metric(s.server, 'lobby_signals_dropped_total{reason="recipient_backlog"}')).toBeGreaterThan(
      0,
    );
    await victimStillServed(s);
  }, 40_000);
});
