// A raw node-datachannel peer throws malformed frames and msgpack bombs at a real tickwire
// connection: every one must become an `error` event, the connection must stay usable, and the
// process must not crash.
import { describe, expect, it } from 'vitest';
import { connect, createSignalerPair } from '../src/index.js';
import type { TransportError } from '../src/index.js';
import { nextMessages, onCleanup } from './helpers.js';
import { rawAnswerer } from './raw-peer.js';

async function hostilePair() {
  const [sa, sb] = createSignalerPair();
  const raw = rawAnswerer(sb);
  const conn = connect({ role: 'offerer', signaler: sa });
  onCleanup(() => {
    conn.close();
    raw.close();
  });
  await Promise.all([conn.opened, raw.opened]);
  const errors: TransportError[] = [];
  conn.on('error', (e) => errors.push(e));
  return { conn, raw, errors };
}

function waitForErrors(
  errors: TransportError[],
  n: number,
  conn: { on: (e: 'error', h: () => void) => () => void },
) {
  return new Promise<void>((resolve) => {
    if (errors.length >= n) return resolve();
    const off = conn.on('error', () => {
      if (errors.length >= n) {
        off();
        resolve();
      }
    });
  });
}

/** Unreliable frame header: value type, latest-only off, stream 0, given seq, stamp 0. */
function unreliableFrame(seq: number, payload: number[]): Uint8Array {
  return new Uint8Array([0, seq >> 8, seq & 0xff, 0, 0, ...payload]);
}

describe('hostile input from the remote peer', () => {
  it('turns malformed frames into DECODE errors and keeps the connection usable', async () => {
    const { conn, raw, errors } = await hostilePair();
    const frames: Uint8Array[] = [
      new Uint8Array([0, 1]), // shorter than the header
      new Uint8Array([7, 0, 2, 0, 0, 1]), // unknown frame type
      unreliableFrame(3, [0xc1]), // 0xc1 is never valid msgpack
      unreliableFrame(4, [0x92, 0x01]), // truncated array
      unreliableFrame(5, [0xdd, 0x00, 0x4c, 0x4b, 0x40]), // array32 claiming 5,000,000 items
    ];
    for (const f of frames) raw.unreliable.sendMessageBinary(f);
    raw.reliable.sendMessageBinary(new Uint8Array([9, 1, 2])); // unknown reliable type
    raw.reliable.sendMessageBinary(new Uint8Array([0, 0xdc, 0xff, 0xff, 0xdc, 0xff, 0xff])); // nested array16 headers
    raw.reliable.sendMessageBinary(new Uint8Array([])); // empty
    await waitForErrors(errors, frames.length + 3, conn);
    expect(errors.every((e) => e.code === 'DECODE')).toBe(true);
    expect(conn.stats().decodeErrors).toBe(frames.length + 3);
    expect(conn.state).toBe('open');

    // A well-formed value still gets through afterwards.
    const got = nextMessages(conn, 1, 'reliable');
    raw.reliable.sendMessageBinary(new Uint8Array([0, 0xa2, 0x68, 0x69])); // "hi"
    expect((await got)[0]!.data).toBe('hi');
  });

  it('refuses a __proto__ key without touching Object.prototype', async () => {
    const { conn, raw, errors } = await hostilePair();
    // {"__proto__": {"polluted": true}}
    const enc = new TextEncoder();
    const key = enc.encode('__proto__');
    const inner = enc.encode('polluted');
    const payload = [0x81, 0xa0 | key.length, ...key, 0x81, 0xa0 | inner.length, ...inner, 0xc3];
    raw.reliable.sendMessageBinary(new Uint8Array([0, ...payload]));
    await waitForErrors(errors, 1, conn);
    expect(errors[0]!.code).toBe('DECODE');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
