// The lobby relay (issue 10's last resort): real lobby, real node-datachannel peers, both channels
// of a tickwire connection through the lobby's WebSocket. Loopback: forced to the relay, or pushed
// to it by a first attempt that can gather no candidate; order, stale discard, path type; an
// Authority accepts a relayed peer. Security: raw sockets that are not members, members without a
// signaling relationship, oversized frames, floods, a lobby with the relay off.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Authority, connect as connectPeer } from '@tickwire/transport';
import type { Connection, ConnectionOptions, MessageEvent, SignalMessage } from '@tickwire/transport';
import { pickFreePort } from '@tickwire/testkit';
import type { LobbyClient, WebSocketLike } from '../src/client/index.js';
import type { LobbyServerOptions } from '../src/index.js';
import { encodeRelayFrame, decodeRelayFrame } from '../src/protocol/relay-frame.js';
import { RawClient, cleanup, connect, eventually, onCleanup, startLobby } from './helpers.js';

afterEach(cleanup);

const offer: SignalMessage = { kind: 'description', type: 'offer', sdp: 'v=0\r\n' };

async function roomOfTwo(options: LobbyServerOptions = {}, sockets: WebSocket[] = []) {
  const server = await startLobby(options);
  const createSocket = (url: string) => {
    const ws = new WebSocket(url);
    sockets.push(ws);
    return ws as unknown as WebSocketLike;
  };
  const a = await connect(server, { name: 'a', createSocket });
  const b = await connect(server, { name: 'b', createSocket });
  const room = await a.createRoom({ mode: 'duel', maxPlayers: 4, public: false });
  const joined = a.waitFor('roomUpdate', (u) => u.reason === 'joined');
  await b.joinRoom({ roomId: room.id });
  await joined;
  return { server, a, b, room, sockets };
}

function peers(
  a: LobbyClient,
  b: LobbyClient,
  offerer: Partial<ConnectionOptions>,
  answerer: Partial<ConnectionOptions> = {},
): [Connection, Connection] {
  const x = connectPeer({ role: 'offerer', signaler: a.signalerFor(b.sessionId), ...offerer });
  const y = connectPeer({ role: 'answerer', signaler: b.signalerFor(a.sessionId), ...answerer });
  onCleanup(() => {
    x.close();
    y.close();
  });
  return [x, y];
}

function received(connection: Connection, channel: MessageEvent['channel']): unknown[] {
  const got: unknown[] = [];
  connection.on('message', (event) => {
    if (event.channel === channel) got.push(event.data);
  });
  return got;
}

describe('lobby relay: a tickwire connection through the lobby', () => {
  it('carries both channels, reliable in order, and reports the lobby-relay path', async () => {
    const { a, b } = await roomOfTwo();
    const [x, y] = peers(a, b, { wsRelay: 'only' });
    await Promise.all([x.opened, y.opened]);
    const reliable = received(y, 'reliable');
    const unreliable = received(x, 'unreliable');
    for (let i = 0; i < 300; i++) x.send('reliable', { i, pad: 'x'.repeat(i % 50) });
    for (let i = 0; i < 20; i++) y.send('unreliable', { i });
    await eventually(() => reliable.length === 300, 10_000, 'all reliable messages');
    expect(reliable.map((m) => (m as { i: number }).i)).toEqual([...Array(300).keys()]);
    // Unreliable is latest-only with stale discard (a burst on a loaded machine may lose a few):
    // sent until 20 arrive, they must arrive in send order.
    let u = 20;
    const more = setInterval(() => y.send('unreliable', { i: u++ }), 20);
    onCleanup(() => clearInterval(more));
    await eventually(() => unreliable.length >= 20, 5_000, 'unreliable messages');
    clearInterval(more);
    const order = unreliable.map((m) => (m as { i: number }).i);
    expect([...order].sort((p, q) => p - q)).toEqual(order);
    await eventually(() => x.stats().path !== undefined && y.stats().path !== undefined);
    const path = x.stats().path!;
    expect(path.type).toBe('lobby-relay');
    expect(path.relayProtocol).toBe('tcp');
    expect(path.local.address).toBe('127.0.0.1');
    expect(y.stats().path?.type).toBe('lobby-relay');
    // pings ride the relay too
    await eventually(() => x.stats().rttMs !== undefined, 5_000, 'an RTT sample');
    expect(x.maxReliablePayload).toBe(16 * 1024 - 1);
    // no ICE restart over the lobby relay: its path is the lobby's TCP (transport README)
    expect(x.restartIce()).toBe(false);
    expect(y.restartIce()).toBe(false);
    expect(x.state).toBe('open');
  });

  it('falls back to the relay when WebRTC gathers no candidate (relay-only ICE, no TURN)', async () => {
    const { a, b } = await roomOfTwo();
    const noPath = { iceTransportPolicy: 'relay' as const };
    const [x, y] = peers(a, b, { ...noPath, wsRelay: { afterMs: 300 } }, noPath);
    const events = [x, y].map(
      (c) => new Promise((resolve) => c.on('relay-fallback', (event) => resolve(event))),
    );
    await Promise.all([x.opened, y.opened]);
    // Attempts are a counter: the relay-only first attempt is 0, the lobby relay the next one.
    expect(await events[0]).toEqual({ attempt: 1, via: 'ws-relay', reason: 'timeout' });
    expect(await events[1]).toEqual({ attempt: 1, via: 'ws-relay', reason: 'peer' });
    const got = received(y, 'reliable');
    x.send('reliable', 'over the lobby');
    await eventually(() => got.length === 1);
    expect(got).toEqual(['over the lobby']);
  });

  it('unreliable keeps stale discard: state held up in a stalled relay is not delivered late', async () => {
    const sockets: WebSocket[] = [];
    const { a, b } = await roomOfTwo({}, sockets);
    const [x, y] = peers(a, b, { wsRelay: 'only' }, { maxLatenessMs: 150 });
    await Promise.all([x.opened, y.opened]);
    const got = received(y, 'unreliable') as number[];
    let n = 0;
    const tick = setInterval(() => x.send('unreliable', n++), 10);
    onCleanup(() => clearInterval(tick));
    await eventually(() => got.length >= 20, 5_000, 'a steady stream');
    const receiver = sockets[1]!;
    receiver.pause(); // the relay stalls towards y: frames queue up in the lobby's socket to it
    const stalledFrom = n;
    await new Promise((resolve) => setTimeout(resolve, 800));
    const stalledTo = n;
    receiver.resume();
    await eventually(() => got.some((v) => v > stalledTo), 5_000, 'fresh state after the stall');
    clearInterval(tick);
    const stats = y.stats().unreliable;
    // Most of what was sent during the stall arrived hundreds of ms late: discarded, never shown.
    expect(stats.discardedStale).toBeGreaterThan(0);
    const deliveredFromStall = got.filter((v) => v >= stalledFrom && v < stalledTo).length;
    expect(deliveredFromStall).toBeLessThan((stalledTo - stalledFrom) / 2);
    // latest-only: what was delivered is in send order
    expect([...got].sort((p, q) => p - q)).toEqual(got);
  });

  it('an Authority (one UDP port) accepts a relayed peer', async () => {
    const { a, b } = await roomOfTwo();
    const authority = new Authority({ port: await pickFreePort() });
    onCleanup(() => authority.close());
    const server = authority.accept(a.signalerFor(b.sessionId));
    const client = connectPeer({ role: 'offerer', signaler: b.signalerFor(a.sessionId), wsRelay: 'only' });
    onCleanup(() => client.close());
    await Promise.all([server.opened, client.opened]);
    const got = received(server, 'reliable');
    client.send('reliable', { joinToken: 't' });
    await eventually(() => got.length === 1);
    expect(got).toEqual([{ joinToken: 't' }]);
    await eventually(() => server.stats().path !== undefined);
    expect(server.stats().path?.type).toBe('lobby-relay');
  });

  it('a connection over the relay ends when the lobby connection drops', async () => {
    const sockets: WebSocket[] = [];
    const { a, b } = await roomOfTwo({}, sockets);
    const [x] = peers(a, b, { wsRelay: 'only' });
    await x.opened;
    const closed = new Promise((resolve) => x.on('close', resolve));
    sockets[0]!.terminate();
    await expect(closed).resolves.toMatchObject({ reason: 'remote' });
    expect(x.state).toBe('closed');
  });
});

describe('lobby relay: security', () => {
  const frame = (to: string, bytes = 10, reliable = true) =>
    Buffer.from(encodeRelayFrame({ peer: to, reliable, payload: new Uint8Array(bytes) }));

  async function rawMember(server: { url: string }, roomId: string) {
    const raw = await RawClient.open(server.url);
    const welcome = await raw.hello();
    raw.send({ t: 'room.join', id: 1, roomId });
    await raw.next('ok', (m) => m.re === 1);
    return { raw, id: welcome.sessionId };
  }

  it('refuses non-members and members without a signaling relationship, with typed errors', async () => {
    const { server, a, b, room } = await roomOfTwo();
    const stranger = await RawClient.open(server.url);
    await stranger.hello();
    stranger.ws.send(frame(a.sessionId));
    expect(await stranger.next('error')).toMatchObject({
      code: 'peer_not_in_room',
      details: { relayTo: a.sessionId, reliable: true },
    });
    const member = await rawMember(server, room.id);
    member.raw.ws.send(frame(a.sessionId));
    expect(await member.raw.next('error')).toMatchObject({
      code: 'relay_unauthorized',
      details: { relayTo: a.sessionId },
    });
    // With a relationship (an offer went to b), frames to b pass; still none to a.
    const offers = b.waitFor('signal');
    member.raw.send({ t: 'signal', id: 2, to: b.sessionId, data: offer });
    await offers;
    const pipe = b.signalerFor(member.id).relayPipe!()!;
    const frames: Uint8Array[] = [];
    pipe.onFrame((bytes) => frames.push(bytes));
    member.raw.ws.send(frame(b.sessionId, 5));
    await eventually(() => frames.length === 1);
    expect(frames[0]).toEqual(new Uint8Array(5));
    member.raw.ws.send(frame(a.sessionId));
    expect(await member.raw.next('error')).toMatchObject({ code: 'relay_unauthorized' });
    // b answers with bye: the relationship is over, and so is the relay.
    b.signalerFor(member.id).send({ kind: 'bye', reason: 'done' });
    await member.raw.next('signal');
    member.raw.ws.send(frame(b.sessionId));
    expect(await member.raw.next('error')).toMatchObject({ code: 'relay_unauthorized' });
    // Garbage binary is a bad request, not a crash.
    member.raw.ws.send(Buffer.from([0x52, 9, 200]));
    expect(await member.raw.next('error')).toMatchObject({ code: 'bad_request' });
    expect(member.raw.binary).toEqual([]);
  });

  it('refuses oversized frames, enforces the per-pair budget, closes a flooder with 4008', async () => {
    const { server, b, room } = await roomOfTwo({
      relayPeerBytesPerSecond: 4_096,
      relayMaxFrameBytes: 1_024,
      maxViolations: 10,
    });
    const member = await rawMember(server, room.id);
    const offers = b.waitFor('signal');
    member.raw.send({ t: 'signal', id: 2, to: b.sessionId, data: offer });
    await offers;
    const pipe = b.signalerFor(member.id).relayPipe!()!;
    expect(pipe.maxFrameBytes).toBe(1_024);
    let arrived = 0;
    pipe.onFrame(() => (arrived += 1));
    member.raw.ws.send(frame(b.sessionId, 1_025));
    expect(await member.raw.next('error')).toMatchObject({
      code: 'frame_too_large',
      details: { limit: 1_024, size: 1_025 },
    });
    // 4 KiB/s with a 4 KiB burst: of 40 frames of ~1 KiB at once, only the first few pass.
    for (let i = 0; i < 40; i++) member.raw.ws.send(frame(b.sessionId, 1_000));
    expect(await member.raw.next('error')).toMatchObject({ code: 'rate_limited' });
    expect(await member.raw.closed).toMatchObject({ code: 4008 });
    expect(arrived).toBeGreaterThan(0);
    expect(arrived).toBeLessThanOrEqual(4);
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/lobby_relay_frames_total\{outcome="sender_budget"\} [1-9]/);
    expect(metrics).toMatch(/lobby_relay_frames_total\{outcome="too_large"\} 1/);
    expect(metrics).toMatch(/lobby_relay_frames_total\{outcome="relayed"\} [1-4]\b/);
  });

  it('a well-behaved client paces itself under the budget: nothing refused, nothing lost', async () => {
    const { a, b } = await roomOfTwo({ relayPeerBytesPerSecond: 16_384, relayMaxFrameBytes: 4_096 });
    const [x, y] = peers(a, b, { wsRelay: 'only' });
    await Promise.all([x.opened, y.opened]);
    const errors: unknown[] = [];
    x.on('error', (e) => errors.push(e));
    const got = received(y, 'reliable');
    // ~40 KiB at a 16 KiB/s budget: the pipe queues (backpressure), the lobby refuses nothing.
    for (let i = 0; i < 40; i++) x.send('reliable', { i, pad: 'p'.repeat(1_000) });
    expect(x.bufferedAmount('reliable')).toBeGreaterThan(0);
    await eventually(() => got.length === 40, 15_000, 'every paced message');
    expect(got.map((m) => (m as { i: number }).i)).toEqual([...Array(40).keys()]);
    expect(errors).toEqual([]);
    expect(x.state).toBe('open');
  });

  it('with the relay off, clients get no pipe and frames are refused (relay_disabled)', async () => {
    const { server, a, b } = await roomOfTwo({ relayEnabled: false });
    expect(a.welcome?.relay).toBeNull();
    expect(a.signalerFor(b.sessionId).relayPipe()).toBeUndefined();
    const raw = await RawClient.open(server.url);
    await raw.hello();
    raw.ws.send(frame(a.sessionId));
    expect(await raw.next('error')).toMatchObject({ code: 'relay_disabled' });
    expect(decodeRelayFrame(new Uint8Array([1, 2]))).toEqual({ problem: 'not a relay frame' });
  });
});
