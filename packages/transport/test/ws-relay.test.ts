// The lobby-relay attempt on its own: two real connections whose signalers offer an in-process
// relay pipe (the lobby's is tested against a real lobby in packages/lobby-server/test/
// ws-relay.test.ts). What the transport must do whatever the relay does: open through it (frames
// may overtake the answer), end with a typed error when the relay refuses a reliable frame or goes
// away, keep unreliable refusals as drops, and refuse to follow a peer to it without a pipe.
import { describe, expect, it } from 'vitest';
import type { Signaler, SignalMessage } from '../src/index.js';
import { connect, createSignalerPair, isTransportError } from '../src/index.js';
import { onCleanup } from './helpers.js';
import { TestPipe } from './test-pipe.js';

function relayedPair(options: { answererPipe?: boolean } = {}) {
  const [sa, sb] = createSignalerPair();
  const pa = new TestPipe();
  const pb = new TestPipe();
  pa.other = pb;
  pb.other = pa;
  const signaler = (s: Signaler, pipe: TestPipe | undefined): Signaler => ({
    send: (m: SignalMessage) => s.send(m),
    onMessage: (h) => s.onMessage(h),
    relayPipe: () => pipe,
  });
  const a = connect({
    role: 'offerer',
    signaler: signaler(sa, pa),
    wsRelay: 'only',
    connectTimeoutMs: 5_000,
  });
  const b = connect({
    role: 'answerer',
    signaler: signaler(sb, options.answererPipe === false ? undefined : pb),
    connectTimeoutMs: 5_000,
  });
  onCleanup(() => {
    a.close();
    b.close();
  });
  return { a, b, pa, pb, sa, sb };
}

describe('ws-relay attempt', () => {
  it('opens both channels over the pipe, with the lobby-relay path and the pipe frame limit', async () => {
    const { a, b, pa } = relayedPair();
    await Promise.all([a.opened, b.opened]);
    const got: unknown[] = [];
    b.on('message', (e) => got.push([e.channel, e.data]));
    a.send('reliable', 'r');
    a.send('unreliable', 'u', { stream: 3 });
    await expect.poll(() => got.length).toBe(2);
    expect(got).toEqual(
      expect.arrayContaining([
        ['reliable', 'r'],
        ['unreliable', 'u'],
      ]),
    );
    expect(pa.sent).toBeGreaterThanOrEqual(2);
    expect(a.maxReliablePayload).toBe(4_095);
    expect(() => a.send('reliable', new Uint8Array(5_000))).toThrow(/RELIABLE_TOO_LARGE|exceeds/);
    await expect.poll(() => a.stats().path?.type).toBe('lobby-relay');
    expect(a.stats().path).toMatchObject({
      relayProtocol: 'tcp',
      local: { address: '192.0.2.1', port: 443 },
    });
  });

  it('an unreliable frame over the relay budget is a drop; a refused reliable one ends the connection', async () => {
    const { a, b, pa } = relayedPair();
    await Promise.all([a.opened, b.opened]);
    const errors: unknown[] = [];
    a.on('error', (e) => errors.push(e));
    const closed = new Promise<unknown>((resolve) => a.on('close', resolve));
    pa.refusals.forEach((h) => h({ code: 'rate_limited', message: 'slow down', reliable: false }));
    expect(a.state).toBe('open');
    pa.refusals.forEach((h) => h({ code: 'rate_limited', message: 'slow down', reliable: true }));
    const event = (await closed) as { reason: string; error: unknown };
    expect(event.reason).toBe('failed');
    expect(isTransportError(event.error, 'CONNECTION_FAILED')).toBe(true);
    expect(String((event.error as Error).message)).toMatch(/relay refused a frame: rate_limited/);
    // b hears the bye
    await expect.poll(() => b.state).toBe('closed');
  });

  it('the relay going away ends an open connection; while connecting it fails with a typed error', async () => {
    const open = relayedPair();
    await Promise.all([open.a.opened, open.b.opened]);
    const closed = new Promise<{ reason: string }>((resolve) => open.a.on('close', resolve));
    open.pa.closes.forEach((h) => h());
    expect((await closed).reason).toBe('remote');

    const connecting = relayedPair();
    connecting.pa.closes.forEach((h) => h()); // before the answer came back
    await expect(connecting.a.opened).rejects.toSatisfy((e) => isTransportError(e, 'CONNECTION_FAILED'));
  });

  it("opens when the answerer's first frame overtakes its answer", async () => {
    const { a, b, sb } = relayedPair();
    // Hold b's signals (its answer) until a opened from b's frames alone.
    const held: SignalMessage[] = [];
    const send = sb.send.bind(sb);
    sb.send = (m: SignalMessage) => void held.push(m);
    await b.opened;
    b.send('reliable', 'first');
    const got: unknown[] = [];
    a.on('message', (e) => got.push(e.data));
    await a.opened;
    await expect.poll(() => got).toEqual(['first']);
    sb.send = send;
    for (const m of held) send(m); // the late answer changes nothing
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a.state).toBe('open');
  });

  it('an answerer without a relay pipe refuses to follow, with a typed error (no hang)', async () => {
    const { a, b } = relayedPair({ answererPipe: false });
    await expect(b.opened).rejects.toSatisfy(
      (e) => isTransportError(e, 'CONNECTION_FAILED') && /lobby relay/.test((e as Error).message),
    );
    await expect(a.opened).rejects.toSatisfy((e) => isTransportError(e));
  });
});
