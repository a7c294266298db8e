// The frame format on raw bytes: the parsers are pure functions, so they are fed every kind of
// byte string (fast-check) besides round trips, and must never throw, never read past the frame,
// and accept exactly the frames the format allows. The receive path built on them is fed the same
// hostile bytes and must count and report each one, never throw. Last, an unreliable send that a
// real channel refuses is counted in stats.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameType,
  parseReliableFrame,
  parseUnreliableFrame,
  RELIABLE_HEADER_BYTES,
  UNRELIABLE_HEADER_BYTES,
  unreliableFlags,
  writeReliableFrame,
  writeUnreliableFrameInto,
} from '../src/channel/frame.js';
import { FrameReceiver } from '../src/channel/receiver.js';
import type { MessageEvent, TransportError } from '../src/index.js';
import { RateMeter } from '../src/stats/rate-meter.js';
import { openPair } from './helpers.js';

const unreliableTypes = [FrameType.Value, FrameType.Raw, FrameType.Ping, FrameType.Pong, FrameType.Probe];

function receiverUnderTest() {
  const delivered: MessageEvent[] = [];
  const errors: TransportError[] = [];
  const pings: number[] = [];
  const receiver = new FrameReceiver({
    maxLatenessMs: 250,
    receiveRate: new RateMeter(),
    deliver: (event) => delivered.push(event),
    onPing: (type) => pings.push(type),
    onError: (error) => errors.push(error),
  });
  return { receiver, delivered, errors, pings };
}

describe('unreliable frame parser', () => {
  it('reads back every frame the writer can produce', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...unreliableTypes),
        fc.boolean(),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ maxLength: 64 }),
        (type, latestOnly, stream, seq, stamp, payload) => {
          const target = new Uint8Array(UNRELIABLE_HEADER_BYTES + payload.byteLength);
          writeUnreliableFrameInto(target, unreliableFlags(type, latestOnly, stream), seq, stamp, payload);
          const frame = parseUnreliableFrame(target);
          expect(frame).toEqual({ type, latestOnly, stream, seq, stamp, body: payload });
        },
      ),
    );
  });

  it('never throws on arbitrary bytes and accepts only well-formed headers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const frame = parseUnreliableFrame(bytes);
        const type = (bytes[0] ?? 0) & 0x07;
        const wellFormed =
          bytes.byteLength >= UNRELIABLE_HEADER_BYTES && unreliableTypes.includes(type as never);
        expect(frame !== undefined).toBe(wellFormed);
        if (frame === undefined) return;
        expect(frame.body.byteLength).toBe(bytes.byteLength - UNRELIABLE_HEADER_BYTES);
        expect(frame.body.buffer).toBe(bytes.buffer); // a view, not a copy
        expect(frame.stream).toBeLessThanOrEqual(15);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses short frames, Reset and the unused types', () => {
    expect(parseUnreliableFrame(new Uint8Array(0))).toBeUndefined();
    expect(parseUnreliableFrame(new Uint8Array([FrameType.Value, 0, 0, 0]))).toBeUndefined();
    expect(parseUnreliableFrame(new Uint8Array([FrameType.Reset, 0, 0, 0, 0]))).toBeUndefined();
    expect(parseUnreliableFrame(new Uint8Array([6, 0, 0, 0, 0]))).toBeUndefined();
    expect(parseUnreliableFrame(new Uint8Array([0xf7, 0, 0, 0, 0]))).toBeUndefined();
    expect(parseUnreliableFrame(new Uint8Array([0xf1, 0xff, 0xff, 0xff, 0xff]))).toMatchObject({
      type: FrameType.Raw,
      stream: 15,
      latestOnly: false,
      seq: 0xffff,
      stamp: 0xffff,
    });
  });
});

describe('reliable frame parser', () => {
  it('reads back Value and Raw frames and a bare Reset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(FrameType.Value, FrameType.Raw),
        fc.uint8Array({ maxLength: 64 }),
        (type, body) => {
          expect(parseReliableFrame(writeReliableFrame(type, body))).toEqual({ type, body });
        },
      ),
    );
    expect(parseReliableFrame(new Uint8Array([FrameType.Reset]))).toMatchObject({ type: FrameType.Reset });
  });

  it('never throws on arbitrary bytes and refuses what the reliable channel never carries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const frame = parseReliableFrame(bytes);
        const type = bytes[0];
        const wellFormed =
          type === FrameType.Value ||
          type === FrameType.Raw ||
          (type === FrameType.Reset && bytes.byteLength === RELIABLE_HEADER_BYTES);
        expect(frame !== undefined).toBe(wellFormed);
      }),
      { numRuns: 2000 },
    );
    expect(parseReliableFrame(new Uint8Array(0))).toBeUndefined();
    expect(parseReliableFrame(new Uint8Array([FrameType.Reset, 0]))).toBeUndefined();
    expect(parseReliableFrame(new Uint8Array([FrameType.Ping, 0, 1]))).toBeUndefined();
  });
});

describe('receive path on hostile bytes', () => {
  it('counts and reports every bad frame on either channel, never throws', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 48 })), { maxLength: 40 }),
        (frames) => {
          const { receiver, delivered, errors, pings } = receiverUnderTest();
          for (const [reliable, bytes] of frames) {
            if (reliable) receiver.onReliableFrame(bytes);
            else receiver.onUnreliableFrame(bytes);
          }
          // Every frame either was delivered, was a control frame, was dropped by the tracker as
          // late/duplicate (unreliable only), or is an error: none vanishes uncounted.
          expect(errors.length).toBe(receiver.decodeErrors);
          expect(errors.every((error) => error.code === 'DECODE')).toBe(true);
          expect(delivered.length + errors.length + pings.length).toBeLessThanOrEqual(frames.length);
          const bytes = frames.reduce((sum, [, b]) => sum + b.byteLength, 0);
          expect(receiver.unreliableStats.bytesReceived + receiver.reliableStats.bytesReceived).toBe(bytes);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports a truncated or undecodable frame as DECODE with the channel and reason', () => {
    const { receiver, errors, delivered } = receiverUnderTest();
    receiver.onUnreliableFrame(new Uint8Array([0, 0, 1]));
    receiver.onReliableFrame(new Uint8Array([FrameType.Value, 0xc1])); // 0xc1: never used by msgpack
    receiver.onReliableFrame(writeReliableFrame(FrameType.Raw, new Uint8Array([1, 2, 3])));
    expect(errors.map((error) => error.details)).toEqual([
      { channel: 'unreliable', reason: 'bad-header' },
      expect.anything(),
    ]);
    expect(receiver.decodeErrors).toBe(2);
    expect(delivered).toEqual([
      { channel: 'reliable', stream: 0, data: new Uint8Array([1, 2, 3]), raw: true },
    ]);
  });
});

describe('unreliable sends the channel refuses', () => {
  it('are dropped, reported and counted in stats', async () => {
    const { a } = await openPair();
    const errors: TransportError[] = [];
    a.on('error', (error) => errors.push(error));
    // Close the native unreliable channel under the open connection: its close event comes later,
    // so the next send reaches a channel that refuses it.
    const native = (a as unknown as { negotiator: { unreliable: { close(): void } } }).negotiator.unreliable;
    native.close();
    expect(a.state).toBe('open');
    expect(a.sendRaw('unreliable', new Uint8Array([1, 2, 3]))).toBe('dropped');
    expect(a.stats().unreliable.droppedRefused).toBe(1);
    expect(a.stats().unreliable.messagesSent).toBe(0);
    expect(errors.map((error) => error.code)).toEqual(['NOT_OPEN']);
  });
});
