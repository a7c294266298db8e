// Property test: thousands of random and mutated client messages against a real lobby. Every one
// must be answered in order (a ping sent after it comes back), any reply must be a well-formed ok,
// error with a known code, or a normal event, and a normal client must still work afterwards.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientMessageType, LobbyCloseCode, isLobbyErrorCode } from '../src/index.js';
import type { ServerMessage } from '../src/index.js';
import { RawClient, cleanup, connect, startLobby } from './helpers.js';

afterAll(cleanup);

/** The fuzzer is another host: its wrong room codes lock out its own address, not the client's. */
const FUZZER_ADDRESS = '127.0.0.9';

const types = Object.values(ClientMessageType);
const templates: Array<Record<string, unknown>> = [
  { t: 'hello', v: 1, name: 'fuzz' },
  { t: 'ping', id: 1 },
  { t: 'room.create', id: 2, mode: 'duel', maxPlayers: 2, public: true, props: { a: 1 } },
  { t: 'room.join', id: 3, code: 'ABCDEF' },
  { t: 'room.leave', id: 4 },
  { t: 'room.list', id: 5, mode: 'duel', limit: 3 },
  { t: 'room.kick', id: 6, playerId: 'someone' },
  {
    t: 'signal',
    id: 7,
    to: 'peer',
    data: { kind: 'candidate', candidate: 'candidate:1 1 udp 1 1.1.1.1 1 typ host', mid: '0' },
  },
  { t: 'turn.refresh', id: 8 },
  { t: 'queue.join', id: 9, mode: 'duel', regions: [{ region: 'eu', rttMs: 10 }] },
  { t: 'queue.leave', id: 10 },
  { t: 'match.accept', id: 11, matchId: 'm' },
  { t: 'match.decline', id: 12, matchId: 'm' },
  { t: 'server.register', id: 13, region: 'eu', address: 'x', capacity: 1 },
  { t: 'server.heartbeat', id: 14 },
];

const mutated = fc.constantFrom(...templates).chain((template) =>
  fc.oneof(
    fc.constant(template),
    fc
      .tuple(
        fc.constantFrom(...Object.keys(template), 'extra', '__proto__', 'constructor', 'id'),
        fc.jsonValue({ maxDepth: 3 }),
      )
      .map(([key, value]) => ({ ...template, [key]: value })),
    fc.constantFrom(...Object.keys(template)).map((key) => {
      const copy = { ...template };
      delete copy[key];
      return copy;
    }),
    fc.constantFrom(...types).map((t) => ({ ...template, t })),
  ),
);

type Frame = { text: string } | { binary: Uint8Array };
const frames: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 5, arbitrary: mutated.map((value) => ({ text: JSON.stringify(value) })) },
  {
    weight: 1,
    arbitrary: mutated.chain((value) =>
      fc.nat().map((cut) => ({ text: JSON.stringify(value).slice(0, cut % 60) })),
    ),
  },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300, unit: 'binary' }).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((binary) => ({ binary })) },
);

const allowedCloseCodes = new Set<number>([
  LobbyCloseCode.Flood,
  LobbyCloseCode.MessageTooBig,
  LobbyCloseCode.PolicyViolation,
]);
const eventTypes = new Set([
  'room.update',
  'room.left',
  'queue.status',
  'queue.left',
  'match.found',
  'match.cancelled',
  'match.ready',
  'signal',
]);

describe('fuzzing the protocol', () => {
  it('answers thousands of random and mutated messages and keeps serving', async () => {
    const server = await startLobby({
      messagesPerSecond: 1_000_000,
      messageBurst: 1_000_000,
      ipMessagesPerSecond: 1_000_000,
      ipMessageBurst: 1_000_000,
      maxViolations: 1_000_000,
      roomsPerMinute: 1_000_000,
      tickMs: 20,
    });
    let raw = await RawClient.open(server.url, {}, FUZZER_ADDRESS);
    await raw.hello();
    let sentinel = 1_000_000;
    let runs = 0;
    const replies = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(frames, async (frame) => {
        runs += 1;
        if ('text' in frame) raw.ws.send(frame.text);
        else raw.ws.send(frame.binary);
        sentinel += 1;
        const id = sentinel;
        raw.send({ t: 'ping', id });
        const outcome = await Promise.race([
          raw.next('ok', (m) => m.re === id).then(() => 'ok' as const),
          raw.closed,
        ]);
        if (outcome !== 'ok') {
          // A close is only acceptable with a documented code; then start a fresh connection.
          expect(allowedCloseCodes.has(outcome.code), `close ${outcome.code}`).toBe(true);
          raw = await RawClient.open(server.url, {}, FUZZER_ADDRESS);
          await raw.hello();
          return;
        }
        for (const message of raw.messages.splice(0) as ServerMessage[]) {
          replies.set(
            message.t === 'error' ? `error:${message.code}` : message.t,
            (replies.get(message.t === 'error' ? `error:${message.code}` : message.t) ?? 0) + 1,
          );
          if (message.t === 'error')
            expect(isLobbyErrorCode(message.code) && message.code !== 'internal').toBe(true);
          else
            expect(
              message.t === 'ok' || message.t === 'welcome' || eventTypes.has(message.t),
              message.t,
            ).toBe(true);
        }
      }),
      { numRuns: 3_000, seed: 20_261_121 },
    );
    expect(runs).toBe(3_000);
    // The fuzz hit both the schema errors and real handlers.
    expect(replies.get('error:bad_request') ?? 0).toBeGreaterThan(100);
    expect(replies.get('ok') ?? 0).toBeGreaterThan(100);

    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const a = await connect(server);
    const b = await connect(server);
    const room = await a.createRoom({ mode: 'duel', maxPlayers: 2, public: false });
    await b.joinRoom({ code: room.code });
    const got = b.waitFor('signal');
    a.signalerFor(b.sessionId).send({ kind: 'bye' });
    expect((await got)[0]).toBe(a.sessionId);
  });
});
