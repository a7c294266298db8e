// Fuzzes the lobby's only door for untrusted data, parseClientMessage, in its own process with a
// capped heap (`node --max-old-space-size=256 messages.fuzz.mjs <seed> <runs>`; run by
// messages-fuzz.test.ts). Inputs are property-based (random text, random JSON with the protocol's
// message types and hostile keys) and mutation-based (valid messages of every type, and known
// JSON bombs: deep nesting, huge numbers, lone surrogates, prototype keys, byte-level damage).
// Every input must give a typed LobbyError or a message that keeps the schema's promises; any
// exception is a crash. Prints one JSON line and exits 1 on a crash. Imports the built dist.
import fc from 'fast-check';
import { LobbyError, clientMessageSchema, parseClientMessage } from '@tickwire/lobby-server';

const seed = Number(process.argv[2] ?? 1);
const runs = Number(process.argv[3] ?? 2_000);
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join(',');
/** What a WebSocket frame may carry at most (maxPayload default). */
const MAX_FRAME = 8 * 1024;

const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${'a=candidate:1 1 udp 1 10.0.0.1 9 typ host\r\n'.repeat(4)}`;
const valid = [
  { t: 'hello', v: 1, name: 'Zoë', role: 'player' },
  { t: 'hello', v: 1, resume: 'x'.repeat(40), auth: 'eyJhbGciOi' },
  { t: 'hello', v: 1, role: 'server', serverKey: 'k' },
  { t: 'ping', id: 1 },
  {
    t: 'room.create',
    id: 2,
    mode: 'duel',
    maxPlayers: 4,
    public: true,
    props: { map: 'dust', ranked: true, n: 3 },
  },
  { t: 'room.join', id: 3, code: 'ABCDEF' },
  { t: 'room.join', id: 3, roomId: 'r-1' },
  { t: 'room.leave', id: 4 },
  { t: 'room.list', id: 5, mode: 'duel', notFull: true, limit: 20, props: { map: 'dust' } },
  { t: 'room.kick', id: 6, playerId: 'p1' },
  { t: 'signal', id: 7, to: 'p2', data: { kind: 'description', type: 'offer', sdp, attempt: 1 } },
  {
    t: 'signal',
    id: 8,
    to: 'p2',
    data: { kind: 'candidate', candidate: 'candidate:1 1 udp 1 1.2.3.4 9 typ host', mid: '0' },
  },
  { t: 'signal', id: 9, to: 'p2', data: { kind: 'bye', reason: 'done' } },
  { t: 'turn.refresh', id: 10 },
  { t: 'queue.join', id: 11, mode: 'duel', regions: [{ region: 'eu', rttMs: 20 }], rating: 1500 },
  { t: 'queue.leave', id: 12 },
  { t: 'match.accept', id: 13, matchId: 'm1' },
  { t: 'match.decline', id: 14, matchId: 'm1' },
  {
    t: 'server.register',
    id: 15,
    region: 'eu',
    address: 'udp://1.2.3.4:9000',
    capacity: 64,
    modes: ['duel'],
  },
  { t: 'server.heartbeat', id: 16, load: 3 },
].map((m) => JSON.stringify(m));
const bombs = [
  '['.repeat(MAX_FRAME - 1),
  '{"a":'.repeat(1_600),
  `{"t":"ping","id":${'9'.repeat(400)}}`,
  '{"t":"ping","id":1e999999}',
  '{"t":"hello","v":1,"name":"\\ud800\\udfff\\ud800"}',
  '{"t":"hello","v":1,"__proto__":{"polluted":true}}',
  '{"t":"room.create","mode":"duel","maxPlayers":2,"public":true,"props":{"__proto__":"x","constructor":1}}',
  '{"t":"room.list","props":{"toString":"x","hasOwnProperty":1,"valueOf":true}}',
  '{"t":"hello","v":1,"name":"\\u0000\\n\\u001b[2J\\u202e"}',
  `{"t":"signal","to":"p","data":{"kind":"description","type":"offer","sdp":"${'x'.repeat(MAX_FRAME)}"}}`,
  '{"t":"constructor"}',
  '{"t":"__proto__"}',
  '{"t":["hello"]}',
  '{"t":"hello","v":1,"t":"ping"}',
  '\ufeff{"t":"ping"}',
];

const encoder = new TextEncoder();
const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip'), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({
    op: fc.constant('set'),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0x22, 0x5c, 0x7b, 0x5b, 0xff, 0xc0),
  }),
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ op: fc.constant('insert'), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 12 }) }),
  fc.record({ op: fc.constant('delete'), at: fc.nat(), length: fc.nat(12) }),
);

function mutate(text, ops) {
  let out = Array.from(encoder.encode(text));
  for (const m of ops) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.op === 'flip' && out.length > 0) out[at % out.length] ^= 1 << m.bit;
    else if (m.op === 'set' && out.length > 0) out[at % out.length] = m.value;
    else if (m.op === 'truncate') out = out.slice(0, at);
    else if (m.op === 'insert') out.splice(at, 0, ...m.bytes);
    else if (m.op === 'delete') out.splice(at, m.length);
  }
  return Buffer.from(out);
}

const types = valid.map((text) => JSON.parse(text).t);
const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  't',
  'id',
  'data',
  'props',
);
/** Structure-aware: a valid message with one field replaced by any JSON value (or a hostile key added). */
const structured = fc
  .tuple(
    fc.constantFrom(...valid),
    fc.oneof(hostileKey, fc.string({ maxLength: 8 })),
    fc.jsonValue({ maxDepth: 4 }),
  )
  .map(([text, key, value]) => {
    const message = JSON.parse(text);
    const target =
      message.data && typeof message.data === 'object' && key.length % 2 === 0 ? message.data : message;
    // defineProperty, so "__proto__" becomes an own key in the JSON text as an attacker would send it.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    return Buffer.from(JSON.stringify(message));
  });
const anyInput = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constantFrom(...types) }, { requiredKeys: [] }).chain((head) =>
      fc
        .dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 6 })), fc.jsonValue({ maxDepth: 3 }), {
          maxKeys: 6,
        })
        .map((rest) => Buffer.from(JSON.stringify({ ...rest, ...head }))),
    ),
  },
  { weight: 2, arbitrary: structured },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...valid, ...bombs), fc.array(mutation, { minLength: 1, maxLength: 5 }))
      .map(([text, ops]) => mutate(text, ops)),
  },
);

/** Plain data only: ordinary prototypes and no own `__proto__` key anywhere. */
function plain(value, depth = 0) {
  if (value === null || typeof value !== 'object') return true;
  if (depth > 16) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype) return false;
  if (Object.hasOwn(value, '__proto__')) return false;
  return Object.values(value).every((v) => plain(v, depth + 1));
}

/** What an accepted message must keep: plain data, no bigger than the frame, valid again. */
function keepsPromises(message, size) {
  if (JSON.stringify(message).length > size * 2 + 64) return false;
  return plain(message) && clientMessageSchema.safeParse(message).success;
}

const counts = { value: 0, refused: 0, crashed: 0, broken: 0 };
const crashes = [];
let peak = 0;
const check = (buffer) => {
  let kind;
  try {
    const result = parseClientMessage(buffer, false);
    if (!result.ok) kind = result.error instanceof LobbyError ? 'refused' : 'crashed';
    else {
      kind = keepsPromises(result.message, buffer.length) ? 'value' : 'broken';
      if (kind === 'broken' && crashes.length < 10)
        crashes.push({ broken: true, input: buffer.toString('utf8', 0, 300), message: result.message });
    }
  } catch (error) {
    kind = 'crashed';
    if (crashes.length < 10)
      crashes.push({
        error: String(error?.stack ?? error).slice(0, 400),
        input: buffer.toString('utf8', 0, 200),
      });
  }
  counts[kind] += 1;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return kind === 'value' || kind === 'refused';
};

for (const text of [...valid, ...bombs]) check(Buffer.from(text));
// Binary frames are never part of the protocol.
check(Buffer.from([0x82, 0xa1, 0x74]));
fc.check(fc.property(anyInput, check), { seed, numRuns: runs, endOnFailure: true });

const prototypeIntact =
  Object.getOwnPropertyNames(Object.prototype).join(',') === prototypeKeys && {}.polluted === undefined;
const report = {
  seed,
  runs,
  targets: { parseClientMessage: counts },
  crashes,
  peakHeapMB: Math.round(peak / 1024 / 1024),
  prototypeIntact,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exitCode = crashes.length === 0 && counts.broken === 0 && prototypeIntact ? 0 : 1;
