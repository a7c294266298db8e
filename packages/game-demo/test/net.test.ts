// The arena's netcode with real node-datachannel peers: an ArenaHost (the authority code both the
// browser host and the dedicated server run) and ArenaClients. Inputs move ships on the other
// player's screen, a shot lands and both see the score, and a hostile peer's junk (malformed and
// out-of-range input packets, bad messages, floods) is ignored and counted while play goes on.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createSignalerPair, INPUT_STREAM } from '@tickwire/transport';
import { encodeInputPacket } from '@tickwire/transport/internals';
import type { Connection } from '@tickwire/transport';
import { ArenaClient } from '../src/net/client.js';
import { ArenaHost } from '../src/net/host.js';
import { arenaInput } from '../src/net/schema.js';
import { until } from './until.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function pair(host: ArenaHost, key: string): Connection {
  const [a, b] = createSignalerPair();
  const hostSide = connect({ role: 'answerer', signaler: a, label: `host-${key}` });
  host.accept(hostSide, key);
  const playerSide = connect({ role: 'offerer', signaler: b, label: key });
  cleanups.push(() => {
    playerSide.close();
    hostSide.close();
  });
  return playerSide;
}

function join(host: ArenaHost, key: string): ArenaClient {
  return new ArenaClient(pair(host, key), { name: key, token: `ok:${key}` });
}

function newHost(): ArenaHost {
  const host = new ArenaHost({
    seed: 4,
    verify: async (token, key) => {
      if (token !== `ok:${key}`) throw new Error('bad token');
    },
  });
  cleanups.push(() => host.close());
  return host;
}

/** Drives a client's 60 Hz input loop until stopped. */
function drive(client: ArenaClient, control: () => { mx: number; my: number; aim: number; fire: boolean }) {
  const timer = setInterval(() => client.step(control()), 1000 / 60);
  cleanups.push(() => clearInterval(timer));
  return () => clearInterval(timer);
}

describe('arena netcode over real peers', () => {
  it('moves, hits and scores the same on both players', async () => {
    const host = newHost();
    const ann = join(host, 'ann');
    const bob = join(host, 'bob');
    await until(
      () => ann.ready && bob.ready && ann.view().ships.length === 2 && bob.view().ships.length === 2,
      'both seated',
    );
    const annSlot = ann.slot!;
    const bobSlot = bob.slot!;
    expect(annSlot).not.toBe(bobSlot);

    // Bob sees Ann move right after she holds D.
    const start = bob.view().ships.find((s) => s.player === annSlot)!.x;
    const stopAnn = drive(ann, () => ({ mx: 1, my: 0, aim: 0, fire: false }));
    await until(
      () => bob.view().ships.find((s) => s.player === annSlot)!.x > start + 40,
      'bob sees ann move',
    );
    // Her own (predicted) ship moved at once too.
    expect(ann.view().me!.predicted).toBe(true);
    stopAnn();

    // Everybody ready: a round starts. Then Ann shoots Bob from close range.
    ann.send({ type: 'ready', ready: true });
    bob.send({ type: 'ready', ready: true });
    await until(
      () => ann.view().match.phase === 'playing' && bob.view().match.phase === 'playing',
      'round start',
    );
    const hits: number[] = [];
    bob.on('event', (e) => {
      if (e.type === 'hit' && e.target === bobSlot) hits.push(e.hp);
    });
    Object.assign(host.game.ships.get(annSlot)!, { x: 400, y: 500, vx: 0, vy: 0 });
    Object.assign(host.game.ships.get(bobSlot)!, { x: 520, y: 500, vx: 0, vy: 0 });
    drive(ann, () => ({ mx: 0, my: 0, aim: 0, fire: true }));
    drive(bob, () => ({ mx: 0, my: 0, aim: Math.PI, fire: false }));
    await until(() => (ann.view().me?.score ?? 0) >= 1, 'ann scores', 20_000);
    await until(
      () => (bob.view().ships.find((s) => s.player === annSlot)?.score ?? 0) >= 1,
      'bob sees the score',
    );
    expect(hits.length).toBeGreaterThanOrEqual(3);
    expect(host.stats().refused.badInputs).toBe(0);
    // The authority's report on each seat: Ann's applied fire inputs became shots that hit, and
    // the sync layer refused none of her inputs; Bob never fired.
    const seats = host.stats().seats;
    const annSeat = seats.find((s) => s.slot === annSlot)!;
    expect(annSeat.played.hits).toBeGreaterThanOrEqual(4);
    expect(annSeat.played.shots).toBeGreaterThanOrEqual(annSeat.played.hits);
    expect(annSeat.played.fireInputs).toBeGreaterThanOrEqual(annSeat.played.shots);
    expect(annSeat.played.inputs).toBeGreaterThanOrEqual(annSeat.played.fireInputs);
    expect(annSeat.sync).toMatchObject({ overBudget: 0, packetsOverBudget: 0, seqJumps: 0 });
    expect(annSeat.sync!.received).toBeGreaterThanOrEqual(annSeat.played.inputs);
    expect(seats.find((s) => s.slot === bobSlot)!.played).toMatchObject({ fireInputs: 0, shots: 0, hits: 0 });
  }, 60_000);

  it('ignores and counts junk from a peer while the others keep playing', async () => {
    const host = newHost();
    const ann = join(host, 'ann');
    const evilConn = pair(host, 'eve');
    const eve = new ArenaClient(evilConn, { name: 'eve', token: 'ok:eve' });
    await until(() => ann.ready && eve.ready, 'both seated');
    // Malformed input packets and out-of-range values (mx = 3 where the schema allows -1..1).
    for (let i = 0; i < 20; i++)
      evilConn.sendRaw('unreliable', new Uint8Array([0xb2, i, 255, 7]), { stream: INPUT_STREAM });
    const outOfRange = encodeInputPacket(arenaInput, {
      ackTick: undefined,
      loss: 0,
      newestSeq: 9,
      inputs: [[3, 3, 0, 0, 0, 0]],
    });
    for (let i = 0; i < 5; i++) evilConn.sendRaw('unreliable', outOfRange, { stream: INPUT_STREAM });
    // Bad reliable messages, and chat over the rate limit.
    for (const junk of [
      { type: 'ready' },
      { type: 'teleport', x: 5 },
      'x',
      [1, 2],
      { type: 'chat', text: 'y'.repeat(5000) },
    ])
      evilConn.send('reliable', junk);
    for (let i = 0; i < 12; i++) evilConn.send('reliable', { type: 'chat', text: `spam ${i}` });
    // An input flood: hundreds of inputs at once (mostly dropped by the sync layer's packet budget).
    for (let i = 0; i < 400; i++)
      eve.sync.sendInput({ mx: 1, my: 0, aim: 0, fire: true, view: 0, rewind: false });
    await until(() => {
      const s = host.stats();
      return (
        s.rejectedPackets >= 20 &&
        s.refused.badMessages >= 5 &&
        s.refused.chatLimited >= 7 &&
        s.refused.floodedInputs + s.inputOverflow + s.packetsOverBudget > 100
      );
    }, 'junk counted');
    // Ann still plays.
    const before = ann.view().me!.x;
    drive(ann, () => ({ mx: -1, my: 0, aim: 0, fire: false }));
    await until(() => ann.view().ships.find((s) => s.player === ann.slot)!.x < before - 30, 'ann moves on');
  }, 60_000);

  it('refuses a player whose join token does not verify', async () => {
    const host = newHost();
    const mallory = new ArenaClient(pair(host, 'mallory'), { name: 'm', token: 'forged' });
    const reason = await new Promise<string>((resolve) => mallory.on('refused', resolve));
    expect(reason).toMatch(/token/);
    expect(host.seats.size).toBe(0);
  }, 30_000);
});
