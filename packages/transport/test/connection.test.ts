import { describe, expect, it } from 'vitest';
import type { SignalMessage, TransportError } from '../src/index.js';
import { connect, createSignalerPair, isTransportError, openNativePeerCount } from '../src/index.js';
import { nextMessages, once, onCleanup, openPair } from './helpers.js';

describe('connection between two real node-datachannel peers', () => {
  it('opens both channels and carries msgpack values both ways on each', async () => {
    const { a, b } = await openPair();
    expect(a.state).toBe('open');
    expect(b.state).toBe('open');
    const nested = {
      player: { id: 7, name: 'ü-ninja', pos: [1.5, -2.25], tags: ['a', 'b'] },
      ok: true,
      n: null,
    };
    const atB = nextMessages(b, 2);
    a.send('reliable', nested);
    a.send('unreliable', { tick: 1, nested });
    const got = await atB;
    const byChannel = Object.fromEntries(got.map((m) => [m.channel, m.data]));
    expect(byChannel['reliable']).toEqual(nested);
    expect(byChannel['unreliable']).toEqual({ tick: 1, nested });

    const atA = nextMessages(a, 2);
    b.send('reliable', 'pong');
    b.sendRaw('unreliable', new Uint8Array([1, 2, 3]));
    const back = await atA;
    const raw = back.find((m) => m.raw)!;
    expect(raw.channel).toBe('unreliable');
    expect([...(raw.data as Uint8Array)]).toEqual([1, 2, 3]);
    expect(back.find((m) => !m.raw)!.data).toBe('pong');
  });

  it('keeps order on the reliable channel', async () => {
    const { a, b } = await openPair();
    const n = 2000;
    const done = nextMessages(b, n, 'reliable');
    for (let i = 0; i < n; i++) a.send('reliable', { i, pad: 'x'.repeat(i % 50) });
    const got = await done;
    expect(got.map((m) => (m.data as { i: number }).i)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('repeated shapes on the reliable channel cost fewer bytes than the first', async () => {
    const { a, b } = await openPair();
    const done = nextMessages(b, 20, 'reliable');
    const before = a.stats().reliable.bytesSent;
    a.send('reliable', { type: 'chat', from: 'alice', text: 'hello', at: 1 });
    const first = a.stats().reliable.bytesSent - before;
    for (let i = 1; i < 20; i++)
      a.send('reliable', { type: 'chat', from: 'alice', text: 'hello', at: i + 1 });
    const rest = (a.stats().reliable.bytesSent - before - first) / 19;
    await done;
    expect(rest).toBeLessThan(first);
  });

  it('moves the stats: counts, bytes, RTT from pings, rates', async () => {
    const { a, b } = await openPair({ pingIntervalMs: 50 });
    const rtt = once(a, 'rtt');
    const msgs = nextMessages(b, 100, 'unreliable');
    for (let i = 0; i < 100; i++) a.send('unreliable', { i });
    await msgs;
    const [sample] = await rtt;
    expect(sample).toBeGreaterThan(0);
    expect(sample).toBeLessThan(1000);
    const sa = a.stats();
    const sb = b.stats();
    expect(sa.rttMs).toBeGreaterThan(0);
    expect(sa.unreliable.messagesSent).toBe(100);
    expect(sb.unreliable.messagesReceived).toBeGreaterThanOrEqual(100);
    expect(sb.unreliable.delivered).toBeGreaterThanOrEqual(100);
    expect(sb.unreliable.bytesReceived).toBeGreaterThan(100 * 5);
    expect(sa.sendBytesPerSecond).toBeGreaterThan(0);
    expect(sb.receiveBytesPerSecond).toBeGreaterThan(0);
    expect(sb.unreliable.lost).toBe(0);
  });

  it('keeps an idle connection talking with keepalives, so silence does not restart it', async () => {
    // Pings only every 10 s and nothing sent by the app: without keepalives each side would hear
    // nothing for the 1 s silenceMs and restart ICE. A side that sent nothing for a quarter of it
    // sends an empty probe frame instead (counted in bytes, never delivered as a message).
    const { a, b } = await openPair({ pingIntervalMs: 10_000, iceRestart: { silenceMs: 1_000 } });
    const restarts: unknown[] = [];
    for (const c of [a, b]) c.on('restarting', (event) => restarts.push(event));
    const bytesAtStart = [a, b].map((c) => c.stats().unreliable.bytesReceived);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // three silence windows, idle
    expect(restarts).toEqual([]);
    expect([a.state, b.state]).toEqual(['open', 'open']);
    [a, b].forEach((c, i) => {
      // ~12 keepalives in 3 s at one per 250 ms; at least a few even on a loaded machine
      expect(c.stats().unreliable.bytesReceived - bytesAtStart[i]!).toBeGreaterThan(4 * 5);
      expect(c.stats().unreliable.messagesReceived).toBe(0);
    });
  });

  it('rejects an oversized unreliable message with a typed error naming the limit', async () => {
    const { a } = await openPair();
    let error: unknown;
    try {
      a.sendRaw('unreliable', new Uint8Array(a.maxUnreliablePayload + 1));
    } catch (e) {
      error = e;
    }
    expect(isTransportError(error, 'MESSAGE_TOO_LARGE')).toBe(true);
    expect((error as TransportError).details).toMatchObject({ limit: a.maxUnreliablePayload });
    expect((error as TransportError).message).toContain(String(a.maxUnreliablePayload));
    // exactly at the limit is fine
    expect(a.sendRaw('unreliable', new Uint8Array(a.maxUnreliablePayload))).toBe('sent');
  });

  it('rejects a reliable message over max-message-size and keeps the stream decodable', async () => {
    const { a, b } = await openPair();
    const limit = a.maxReliablePayload;
    expect(limit).toBeGreaterThan(1000);
    const big = { blob: new Uint8Array(limit + 10), shape: 'new-shape-never-seen' };
    expect(() => a.send('reliable', big)).toThrowError(
      expect.objectContaining({ code: 'RELIABLE_TOO_LARGE' }) as Error,
    );
    // the same shape, small, must still decode on the other side after the encoder reset
    const got = nextMessages(b, 1, 'reliable');
    a.send('reliable', { blob: new Uint8Array(3), shape: 'new-shape-never-seen' });
    expect((await got)[0]!.data).toEqual({ blob: new Uint8Array(3), shape: 'new-shape-never-seen' });
  });

  it('throws NOT_OPEN when sending on a closed connection, and close is idempotent', async () => {
    const { a } = await openPair();
    a.close();
    a.close();
    expect(a.state).toBe('closed');
    expect(() => a.send('reliable', 1)).toThrowError(expect.objectContaining({ code: 'NOT_OPEN' }) as Error);
    expect(() => a.sendRaw('unreliable', new Uint8Array(1))).toThrowError(
      expect.objectContaining({ code: 'NOT_OPEN' }) as Error,
    );
  });

  it('tells the remote side and frees every native handle on close', async () => {
    const before = openNativePeerCount();
    const { a, b } = await openPair();
    expect(openNativePeerCount()).toBe(before + 2);
    const remoteClosed = once(b, 'close');
    a.close();
    const [event] = await remoteClosed;
    expect(event.reason).toBe('remote');
    expect(b.state).toBe('closed');
    expect(openNativePeerCount()).toBe(before);
  });

  it('drops unreliable sends under backpressure and counts them', async () => {
    const { a } = await openPair({ unreliableHighWaterMark: 4096 });
    const payload = new Uint8Array(1000);
    let dropped = 0;
    for (let i = 0; i < 5000; i++) if (a.sendRaw('unreliable', payload) === 'dropped') dropped++;
    expect(dropped).toBeGreaterThan(0);
    expect(a.stats().unreliable.droppedBackpressure).toBe(dropped);
    expect(a.stats().unreliable.messagesSent).toBe(5000 - dropped);
  });

  it('reports what is queued on the unreliable channel, and nothing once it went out', async () => {
    // The node adapter skips the native bufferedAmount call while its last send went out at once:
    // a queue must still show, and an empty one must read 0.
    const { a } = await openPair({ unreliableHighWaterMark: 1 << 30 });
    expect(a.sendRaw('unreliable', new Uint8Array(100))).toBe('sent');
    expect(a.bufferedAmount('unreliable')).toBe(0);
    const payload = new Uint8Array(1000);
    for (let i = 0; i < 2000; i++) a.sendRaw('unreliable', payload);
    const queued = a.bufferedAmount('unreliable');
    expect(queued).toBeGreaterThan(0);
    // The queue drains on libdatachannel's threads meanwhile: never more than it was.
    expect(a.stats().unreliable.bufferedAmount).toBeLessThanOrEqual(queued);
    // libdatachannel drains it on its own threads; no event exists for the unreliable channel.
    const deadline = Date.now() + 20_000;
    while (a.bufferedAmount('unreliable') > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(a.bufferedAmount('unreliable')).toBe(0);
  });

  it('reports reliable backpressure and emits drain when the buffer empties', async () => {
    const { a, b } = await openPair({ reliableHighWaterMark: 16 * 1024 });
    const payload = new Uint8Array(8000);
    let result = 'sent';
    let sent = 0;
    while (result === 'sent') {
      result = a.sendRaw('reliable', payload);
      sent++;
    }
    expect(result).toBe('backpressure');
    const drained = once(a, 'drain');
    const all = nextMessages(b, sent, 'reliable');
    await drained;
    expect((await all).length).toBe(sent);
  });

  it('fails with a TIMEOUT naming the step when nobody answers', async () => {
    const [sa] = createSignalerPair(); // the other end is never used
    const a = connect({ role: 'offerer', signaler: sa, connectTimeoutMs: 300 });
    onCleanup(() => a.close());
    const closed = once(a, 'close');
    await expect(a.opened).rejects.toMatchObject({ code: 'TIMEOUT', details: { step: 'signaling' } });
    const [event] = await closed;
    expect(event.reason).toBe('timeout');
    expect(a.state).toBe('failed');
  });

  it('trickles ICE candidates through the signaler', async () => {
    const [sa, sb] = createSignalerPair();
    const a = connect({ role: 'offerer', signaler: sa });
    const b = connect({ role: 'answerer', signaler: sb });
    onCleanup(() => {
      a.close();
      b.close();
    });
    await Promise.all([a.opened, b.opened]);
    expect(sa.sent.description).toBe(1);
    expect(sb.sent.description).toBe(1);
    expect(sa.sent.candidate + sb.sent.candidate).toBeGreaterThan(0);
  });

  it('sends offerer candidates only after the answer, and makes the answerer the DTLS server', async () => {
    // See rtc/node-adapter.ts: the offerer's candidates leave only after the answer arrived, and
    // the answerer is the DTLS server (its answer says `passive`).
    const [sa, sb] = createSignalerPair();
    const sent: Array<{ from: 'a' | 'b'; message: SignalMessage }> = [];
    for (const [from, signaler] of [
      ['a', sa],
      ['b', sb],
    ] as const) {
      const send = signaler.send.bind(signaler);
      signaler.send = (message) => {
        sent.push({ from, message });
        send(message);
      };
    }
    const a = connect({ role: 'offerer', signaler: sa });
    const b = connect({ role: 'answerer', signaler: sb });
    onCleanup(() => {
      a.close();
      b.close();
    });
    await Promise.all([a.opened, b.opened]);
    const answerAt = sent.findIndex((s) => s.message.kind === 'description' && s.message.type === 'answer');
    const firstOffererCandidate = sent.findIndex((s) => s.from === 'a' && s.message.kind === 'candidate');
    expect(answerAt).toBeGreaterThan(0);
    expect(firstOffererCandidate).toBeGreaterThan(answerAt);
    const answer = sent[answerAt]!.message as { sdp: string };
    expect(answer.sdp).toMatch(/^a=setup:passive\r?$/m);
  });
});
