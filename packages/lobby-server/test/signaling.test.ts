// Signaling relay: only between members of one room, trickle ICE in order, ICE restart, the
// candidate cap per negotiation, the cap on open offers, and reaping of offers never answered.
import { afterEach, describe, expect, it } from 'vitest';
import type { SignalMessage } from '@tickwire/transport';
import { RawClient, cleanup, connect, startLobby } from './helpers.js';

afterEach(cleanup);

const offer: SignalMessage = { kind: 'description', type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n' };
const answer: SignalMessage = {
  kind: 'description',
  type: 'answer',
  sdp: 'v=0\r\no=- 2 1 IN IP4 0.0.0.0\r\n',
};
const candidate = (n: number): SignalMessage => ({
  kind: 'candidate',
  candidate: `candidate:${n} 1 udp 2122260223 10.0.0.1 ${5000 + n} typ host`,
  mid: '0',
});

async function pairInRoom(options: Parameters<typeof startLobby>[0] = {}) {
  const server = await startLobby(options);
  const a = await connect(server, { name: 'a' });
  const b = await connect(server, { name: 'b' });
  const room = await a.createRoom({ mode: 'duel', maxPlayers: 3, public: false });
  const joined = a.waitFor('roomUpdate', { predicate: (u) => u.reason === 'joined' });
  await b.joinRoom({ roomId: room.id });
  await joined;
  return { server, a, b, room };
}

function collect(
  signaler: { onMessage(h: (m: SignalMessage) => void): () => void },
  count: number,
): Promise<SignalMessage[]> {
  const got: SignalMessage[] = [];
  return new Promise((resolve) => {
    const off = signaler.onMessage((m) => {
      got.push(m);
      if (got.length === count) {
        off();
        resolve(got);
      }
    });
  });
}

describe('signaling relay', () => {
  it('relays offer, trickled candidates and answer in order between room members', async () => {
    const { a, b } = await pairInRoom();
    const toB = a.signalerFor(b.sessionId);
    const toA = b.signalerFor(a.sessionId);
    const atB = collect(toA, 4);
    toB.send(offer);
    for (let i = 0; i < 3; i += 1) toB.send(candidate(i));
    expect(await atB).toEqual([offer, candidate(0), candidate(1), candidate(2)]);
    const atA = collect(toB, 2);
    toA.send(answer);
    toA.send({ kind: 'bye', reason: 'done' });
    expect(await atA).toEqual([answer, { kind: 'bye', reason: 'done' }]);
  });

  it('keeps messages that arrive before the game asks for the signaler', async () => {
    const { a, b } = await pairInRoom();
    const early = b.waitFor('signal');
    a.signalerFor(b.sessionId).send(offer);
    await early;
    const replay = await collect(b.signalerFor(a.sessionId), 1);
    expect(replay).toEqual([offer]);
  });

  it('refuses signals to anybody outside the room, to oneself, and after leaving', async () => {
    const { server, a, b } = await pairInRoom();
    const stranger = await connect(server);
    const raw = await RawClient.open(server.url);
    const me = await raw.hello();
    raw.send({ t: 'signal', id: 1, to: a.sessionId, data: offer });
    expect(await raw.next('error')).toMatchObject({ re: 1, code: 'peer_not_in_room' });
    await expect(a.request('signal', { to: stranger.sessionId, data: offer })).rejects.toMatchObject({
      code: 'peer_not_in_room',
    });
    await expect(a.request('signal', { to: a.sessionId, data: offer })).rejects.toMatchObject({
      code: 'peer_not_in_room',
    });
    await expect(a.request('signal', { to: me.sessionId, data: offer })).rejects.toMatchObject({
      code: 'peer_not_in_room',
    });
    await b.leaveRoom();
    await expect(a.request('signal', { to: b.sessionId, data: offer })).rejects.toMatchObject({
      code: 'peer_not_in_room',
    });
    // Nothing reached the stranger.
    let strangerGot = 0;
    stranger.on('signal', () => (strangerGot += 1));
    await a.ping();
    expect(strangerGot).toBe(0);
  });

  it('caps candidates per negotiation; an ICE restart (new offer) starts a new count', async () => {
    const { a, b } = await pairInRoom({ maxCandidates: 3 });
    for (let i = 0; i < 3; i += 1) await a.request('signal', { to: b.sessionId, data: candidate(i) });
    await expect(a.request('signal', { to: b.sessionId, data: candidate(3) })).rejects.toMatchObject({
      code: 'signal_limit',
      details: { limit: 3 },
    });
    // ICE restart: a fresh offer passes through untouched and the count starts again.
    const restart: SignalMessage = {
      kind: 'description',
      type: 'offer',
      sdp: 'v=0\r\na=ice-options:trickle\r\na=ice-ufrag:new\r\n',
    };
    const atB = collect(b.signalerFor(a.sessionId), 5);
    await a.request('signal', { to: b.sessionId, data: restart });
    await a.request('signal', { to: b.sessionId, data: candidate(9) });
    const received = await atB;
    expect(received.slice(0, 3)).toEqual([candidate(0), candidate(1), candidate(2)]);
    expect(received.at(-2)).toEqual(restart);
    expect(received.at(-1)).toEqual(candidate(9));
  });

  it('reaps an offer that is never answered: both sides get a bye', async () => {
    const { a, b } = await pairInRoom({ offerTimeoutMs: 200 });
    const byeAtA = collect(a.signalerFor(b.sessionId), 1);
    const atB = collect(b.signalerFor(a.sessionId), 2);
    a.signalerFor(b.sessionId).send(offer);
    expect(await byeAtA).toEqual([{ kind: 'bye', reason: 'offer_timeout' }]);
    expect((await atB)[1]).toEqual({ kind: 'bye', reason: 'offer_timeout' });
  });

  it('does not reap an offer that was answered', async () => {
    const { a, b } = await pairInRoom({ offerTimeoutMs: 150 });
    const seenByA: SignalMessage[] = [];
    a.signalerFor(b.sessionId).onMessage((m) => seenByA.push(m));
    const answered = collect(b.signalerFor(a.sessionId), 1);
    a.signalerFor(b.sessionId).send(offer);
    await answered;
    await b.request('signal', { to: a.sessionId, data: answer });
    // Wait past the timeout using a server round trip after it (no event exists for "nothing").
    await new Promise((resolve) => setTimeout(resolve, 400));
    await a.ping();
    expect(seenByA).toEqual([answer]);
  });

  it('caps offers waiting for an answer', async () => {
    const server = await startLobby({ maxNegotiations: 1 });
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'ffa', maxPlayers: 3, public: false });
    const p1 = await connect(server);
    const p2 = await connect(server);
    await p1.joinRoom({ roomId: room.id });
    await p2.joinRoom({ roomId: room.id });
    await host.request('signal', { to: p1.sessionId, data: offer });
    await expect(host.request('signal', { to: p2.sessionId, data: offer })).rejects.toMatchObject({
      code: 'signal_limit',
    });
    // Re-offering to the same peer (ICE restart) is not a new negotiation.
    await host.request('signal', { to: p1.sessionId, data: offer });
  });

  it('refuses to relay to a member inside its grace period', async () => {
    const { a, b } = await pairInRoom();
    const disconnected = a.waitFor('roomUpdate', { predicate: (u) => u.reason === 'disconnected' });
    b.close();
    await disconnected;
    await expect(a.request('signal', { to: b.sessionId, data: offer })).rejects.toMatchObject({
      code: 'peer_unavailable',
    });
  });
});
