// The compare suite's geckos.io contender without the network lab: its server and its browser
// client (on node-datachannel's polyfill), both in this process on loopback, exchanging the loss
// workload's stamped binary states through channel.raw.emit().
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerChannel } from '@geckos.io/server';
import type { ClientChannel } from '@geckos.io/client';
import { connectGeckos, listenGeckos, rawBytes } from '../src/suites/compare/geckos-stream.js';
import type { GeckosListener } from '../src/suites/compare/geckos-stream.js';
import { MESSAGE_BYTES, readStamp, stamp } from '../src/suites/loss/streams.js';

describe('geckos.io contender', () => {
  let listener: GeckosListener | undefined;
  let client: ClientChannel | undefined;

  afterAll(async () => {
    client?.close();
    // Lets the client's close request reach the server before it goes (as the suite's group does).
    await new Promise((r) => setTimeout(r, 100));
    await listener?.close();
  });

  it('streams raw binary states from the geckos.io server to its client running in Node', async () => {
    listener = await listenGeckos('127.0.0.1');
    expect(listener.port).toBeGreaterThan(0);
    const serverChannel = new Promise<ServerChannel>((resolve) => listener?.onChannel(resolve));
    client = await connectGeckos('127.0.0.1', listener.port);
    const channel = await serverChannel;

    const received: number[] = [];
    const all = new Promise<void>((resolve) => {
      client?.onRaw((data) => {
        const bytes = rawBytes(data);
        expect(bytes?.byteLength).toBe(MESSAGE_BYTES);
        const s = bytes && readStamp(bytes);
        if (s) received.push(s.seq);
        if (received.length === 20) resolve();
      });
    });
    for (let seq = 0; seq < 20; seq++) {
      const buffer = new Uint8Array(MESSAGE_BYTES).fill(0x5a);
      stamp(buffer, seq, seq * 16);
      channel.raw.emit(buffer);
      await new Promise((r) => setTimeout(r, 5));
    }
    await all;
    // Unordered channel: loopback does not reorder in practice, but order is not part of the contract.
    expect([...received].sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });
});
