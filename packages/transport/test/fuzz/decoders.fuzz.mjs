// Fuzzes every transport decoder that reads network bytes, in its own process with a capped heap
// (run it as `node --max-old-space-size=256 decoders.fuzz.mjs <seed> <runs>`; decoders-fuzz.test.ts
// does): the data channels' frame parsers and whole receive path, the msgpack codec in both modes, the snapshot decoder and the whole snapshot receiver
// (with baselines, so deltas reference real state), and the input packet decoder. Inputs are
// property-based (random bytes) and mutation-based (valid packets and the known decoding bombs,
// flipped, truncated, spliced, repeated). Every input must give a typed refusal or a value; any
// other exception is a crash. Prints one JSON line with the counts, the crashes and the peak heap,
// and exits 1 on a crash. Imports the built package (dist), as a user would.
import fc from 'fast-check';
import { createCodec, defineInput, defineSchema, isTransportError, t } from '@tickwire/transport';
import {
  FrameType,
  SnapshotDecoder,
  SyncAuthority,
  SyncReceiver,
  decodeInputPacket,
  encodeInputPacket,
  parseReliableFrame,
  parseUnreliableFrame,
  unreliableFlags,
  writeReliableFrame,
  writeUnreliableFrameInto,
} from '@tickwire/transport/internals';
// The connection's receive path is not part of internals (its module graph reaches the platform
// adapters' types); the fuzzer takes it from the built files directly.
import { FrameReceiver } from '../../dist/channel/receiver.js';
import { RateMeter } from '../../dist/stats/rate-meter.js';
import { declareSchemas } from '../fixtures/schemas.mjs';

const seed = Number(process.argv[2] ?? 1);
const runs = Number(process.argv[3] ?? 2_000);
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join(',');

// --- Valid packets to mutate ------------------------------------------------------------------------
// The sync tests' schemas (every field type, and the input command), declared once for all tests.
const { allTypes: schema, controls: input } = declareSchemas({ defineSchema, defineInput, t });

function snapshotPackets() {
  let outbox = [];
  const authority = new SyncAuthority({ schema, tickRate: 60, rate: false, maxPacketBytes: 300 });
  authority.addPeer({ sendSnapshot: (parts) => (outbox = [...parts]) });
  const ships = [];
  for (let i = 0; i < 12; i++) {
    ships.push(
      authority.world.spawn('ship', {
        x: i * 10,
        y: i * 20,
        heading: i / 3,
        turret: -i / 5,
        hp: 100,
        alive: true,
        team: 'red',
        name: `ship-${i}`,
        cargo: [i, 2 * i],
      }),
    );
    authority.world.spawn('rock', { x: i * 100, y: i * 50, size: 1 + (i % 9) });
  }
  const packets = [];
  for (let tick = 0; tick < 6; tick++) {
    for (const ship of ships) ship.state.x += 1;
    authority.step(tick * 16);
    packets.push(...outbox);
  }
  return packets;
}

const codecValues = [
  { t: 'state', x: 1.5, y: -2, name: 'Zoë', list: [1, 2, 3], nested: { a: { b: [true, null] } } },
  [1, 'two', 3.25, new Uint8Array([1, 2, 3]), { k: 'v' }],
  'x'.repeat(300),
  { a: 1, b: 2, c: 3, d: 4 },
];
const fixstr = (s) => [0xa0 | s.length, ...Buffer.from(s)];
const repeat = (unit, times) => Array.from({ length: times }, () => unit).flat();
// The known bombs of codec-bombs.test.ts, as mutation seeds.
const bombs = [
  [0xdd, 0xff, 0xff, 0xff, 0xff],
  [0xdd, 0x00, 0x10, 0x00, 0x00, 1, 2, 3],
  repeat([0xdc, 0xff, 0xff], 2_000),
  [...repeat([0xdc, 0x00, 0x01], 2_000), 0x00],
  repeat([0xde, 0xff, 0xff, ...fixstr('a')], 1_500),
  [0xdf, 0xff, 0xff, 0xff, 0xff, ...fixstr('k'), 1],
  [0xdb, 0xff, 0xff, 0xff, 0xff, 0x61],
  [0xc6, 0xff, 0xff, 0xff, 0xff, 0x00],
  [0xc9, 0xff, 0xff, 0xff, 0xff, 0x74, 0x00],
  [0x81, ...fixstr('__proto__'), 0x81, ...fixstr('polluted'), 0xc3],
  [0xd4, 0x72, 0x40, 0x91, ...fixstr('a'), 1, 0x40, 2],
  [0xd4, 0x72, 0x40, 0xdd, 0xff, 0xff, 0xff, 0xff],
].map((b) => Uint8Array.from(b));

const encoder = createCodec({ mode: 'stream' });
const codecSeeds = [
  ...codecValues.map((v) => createCodec({ mode: 'datagram' }).encode(v)),
  ...codecValues.map((v) => encoder.encode(v)),
  ...bombs,
];
const snapshotSeeds = snapshotPackets();
const inputSeeds = [
  encodeInputPacket(input, {
    ackTick: 5,
    loss: 0.1,
    newestSeq: 10,
    inputs: [
      [128, 1, 3],
      [0, 0, 0],
      [255, 1, 5],
    ],
  }),
  encodeInputPacket(input, { ackTick: undefined, loss: 0, newestSeq: 0, inputs: [] }),
  encodeInputPacket(undefined, { ackTick: 7, loss: 0.5, newestSeq: 0, inputs: [] }),
];

// Transport frames as the data channels carry them: every unreliable type on a few streams
// (payloads: codec values, snapshot parts, input packets), and reliable Value, Raw and Reset.
const unreliableFrame = (type, latestOnly, stream, seq, payload) => {
  const out = new Uint8Array(5 + payload.byteLength);
  writeUnreliableFrameInto(out, unreliableFlags(type, latestOnly, stream), seq, seq * 7, payload);
  return out;
};
const unreliableFrameSeeds = [
  ...codecSeeds
    .slice(0, codecValues.length)
    .map((p, i) => unreliableFrame(FrameType.Value, i % 2 === 0, 0, i, p)),
  unreliableFrame(FrameType.Raw, false, 1, 40, snapshotSeeds[0]),
  unreliableFrame(FrameType.Raw, true, 2, 41, inputSeeds[0]),
  unreliableFrame(FrameType.Ping, false, 0, 42, Uint8Array.of(0, 9)),
  unreliableFrame(FrameType.Pong, false, 0, 43, Uint8Array.of(0, 9)),
  unreliableFrame(FrameType.Probe, false, 0, 44, new Uint8Array(0)),
  unreliableFrame(FrameType.Value, false, 15, 0xffff, bombs[0]),
];
const reliableFrameSeeds = [
  ...codecSeeds
    .slice(codecValues.length, 2 * codecValues.length)
    .map((p) => writeReliableFrame(FrameType.Value, p)),
  writeReliableFrame(FrameType.Raw, Uint8Array.of(1, 2, 3)),
  writeReliableFrame(FrameType.Reset, new Uint8Array(0)),
  ...bombs.slice(0, 4).map((b) => writeReliableFrame(FrameType.Value, b)),
];

// --- Mutations -------------------------------------------------------------------------------------
const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip'), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({
    op: fc.constant('set'),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0xff, 0x7f, 0x80, 0xdd, 0xc1),
  }),
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ op: fc.constant('insert'), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete'), at: fc.nat(), length: fc.nat(16) }),
  fc.record({
    op: fc.constant('repeat'),
    at: fc.nat(),
    length: fc.nat(32),
    times: fc.integer({ min: 2, max: 64 }),
  }),
);

function mutate(bytes, ops) {
  let out = Array.from(bytes);
  for (const m of ops) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.op === 'flip' && out.length > 0) out[at % out.length] ^= 1 << m.bit;
    else if (m.op === 'set' && out.length > 0) out[at % out.length] = m.value;
    else if (m.op === 'truncate') out = out.slice(0, at);
    else if (m.op === 'insert') out.splice(at, 0, ...m.bytes);
    else if (m.op === 'delete') out.splice(at, m.length);
    else if (m.op === 'repeat') {
      const slice = out.slice(at, at + m.length);
      out.splice(at, 0, ...repeat(slice, m.times));
    }
  }
  return Uint8Array.from(out);
}

const inputsFrom = (seeds) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_048 }) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }))
        .map(([bytes, ops]) => mutate(bytes, ops)),
    },
  );

// --- Targets ---------------------------------------------------------------------------------------
const streamRx = createCodec({ mode: 'stream' });
for (const packet of codecSeeds.slice(codecValues.length, 2 * codecValues.length)) streamRx.decode(packet);
const receiver = new SyncReceiver(schema, { tickRate: 60 });
for (const packet of snapshotSeeds) receiver.receive(packet, 0, 0);
const snapshotDecoder = new SnapshotDecoder(schema);

// The whole receive path of a connection (frame parser, receive tracker, codec), as fed by the
// data channels: a refusal is reported through onError, a value through deliver.
let lastReceive;
const frameReceiver = new FrameReceiver({
  maxLatenessMs: 1_000,
  receiveRate: new RateMeter(),
  deliver: () => (lastReceive = 'value'),
  onPing: () => (lastReceive = 'value'),
  onError: (error) => {
    if (!isTransportError(error) || error.code !== 'DECODE') throw error;
    lastReceive = 'refused';
  },
});
const viaReceiver = (feed) => (b) => {
  // Stale or duplicate frames are dropped silently (by design): they count as refused here.
  lastReceive = 'refused';
  feed(b);
  return lastReceive;
};

const codecRefusal = (error) => isTransportError(error) && error.code === 'DECODE';
const targets = {
  'codec.datagram': {
    seeds: codecSeeds,
    run: (b) => createCodec({ mode: 'datagram' }).decode(b),
    typed: codecRefusal,
  },
  'codec.stream': { seeds: codecSeeds, run: (b) => streamRx.decode(b), typed: codecRefusal },
  'snapshot.decoder': {
    seeds: snapshotSeeds,
    run: (b) => snapshotDecoder.decode(b, () => undefined),
    outcome: (r) => (r.ok ? 'value' : 'refused'),
  },
  'snapshot.receiver': {
    seeds: snapshotSeeds,
    run: (b) => receiver.receive(b, 0, 0),
    outcome: (r) => (r.kind === 'rejected' ? 'refused' : 'value'),
  },
  'input.withSchema': {
    seeds: inputSeeds,
    run: (b) => decodeInputPacket(input, b),
    outcome: (r) => (r.ok ? 'value' : 'refused'),
  },
  'input.noSchema': {
    seeds: inputSeeds,
    run: (b) => decodeInputPacket(undefined, b),
    outcome: (r) => (r.ok ? 'value' : 'refused'),
  },
  'frame.unreliable': {
    seeds: unreliableFrameSeeds,
    run: (b) => parseUnreliableFrame(b),
    outcome: (r) => (r === undefined ? 'refused' : 'value'),
  },
  'frame.reliable': {
    seeds: reliableFrameSeeds,
    run: (b) => parseReliableFrame(b),
    outcome: (r) => (r === undefined ? 'refused' : 'value'),
  },
  'receiver.unreliable': {
    seeds: unreliableFrameSeeds,
    run: viaReceiver((b) => frameReceiver.onUnreliableFrame(b)),
    outcome: (r) => r,
  },
  'receiver.reliable': {
    seeds: reliableFrameSeeds,
    run: viaReceiver((b) => frameReceiver.onReliableFrame(b)),
    outcome: (r) => r,
  },
};

const report = { seed, runs, targets: {}, crashes: [], peakHeapMB: 0 };
let peak = 0;
for (const [name, target] of Object.entries(targets)) {
  const counts = { value: 0, refused: 0, crashed: 0 };
  const check = (bytes) => {
    let kind;
    try {
      const result = target.run(bytes);
      kind = target.outcome ? target.outcome(result) : 'value';
    } catch (error) {
      if (target.typed?.(error)) kind = 'refused';
      else {
        kind = 'crashed';
        if (report.crashes.length < 10) {
          report.crashes.push({
            target: name,
            error: String(error?.stack ?? error).slice(0, 400),
            input: Buffer.from(bytes.subarray(0, 256)).toString('hex'),
          });
        }
      }
    }
    counts[kind] += 1;
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return kind !== 'crashed';
  };
  // Seeds and bombs themselves first, then the generated inputs.
  for (const bytes of target.seeds) check(bytes);
  fc.check(fc.property(inputsFrom(target.seeds), check), { seed, numRuns: runs, endOnFailure: true });
  report.targets[name] = counts;
}
report.peakHeapMB = Math.round(peak / 1024 / 1024);
report.prototypeIntact =
  Object.getOwnPropertyNames(Object.prototype).join(',') === prototypeKeys && {}.polluted === undefined;
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exitCode = report.crashes.length === 0 && report.prototypeIntact ? 0 : 1;
