// The arena host (the same ArenaHost a player's browser runs for a P2P match) against hostile
// players over real node-datachannel peers: one that joins and never acknowledges a snapshot, one
// that floods input packets, and one that opens a second connection with an honest player's join
// token. The sync layer degrades the silent one to occasional keyframes within about a second and
// cuts the flooder off; the second connection replaces the first (which is closed); and the honest
// player keeps getting every snapshot in order and keeps moving.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createSignalerPair, INPUT_STREAM, SNAPSHOT_STREAM } from '@tickwire/transport';
import type { Connection } from '@tickwire/transport';
import { encodeInputPacket, quantizeInput } from '@tickwire/transport/internals';
import { ArenaClient } from '../src/net/client.js';
import { ArenaHost } from '../src/net/host.js';
import { arenaInput } from '../src/net/schema.js';
import { until } from './until.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function pair(host: ArenaHost, key: string): { player: Connection; hostSide: Connection } {
  const [a, b] = createSignalerPair();
  const hostSide = connect({ role: 'answerer', signaler: a, label: `host-${key}` });
  host.accept(hostSide, key);
  const player = connect({ role: 'offerer', signaler: b, label: key });
  cleanups.push(() => {
    player.close();
    hostSide.close();
  });
  return { player, hostSide };
}

const closed = (connection: Connection) =>
  new Promise<void>((resolve) =>
    connection.state === 'closed' ? resolve() : connection.on('close', () => resolve()),
  );

describe('arena host under hostile players', () => {
  it('keeps ticking for the honest player while others go silent, flood, or reuse a token', async () => {
    const host = new ArenaHost({
      seed: 9,
      verify: async (token, key) => {
        if (token !== `ok:${key}`) throw new Error('bad token');
      },
    });
    cleanups.push(() => host.close());
    const ann = new ArenaClient(pair(host, 'ann').player, { name: 'ann', token: 'ok:ann' });
    const annTicks: number[] = [];
    ann.sync.on('snapshot', (snapshot) => annTicks.push(snapshot.tick));
    const stepAnn = setInterval(() => ann.step({ mx: 1, my: 0, aim: 0, fire: false }), 1000 / 60);
    cleanups.push(() => clearInterval(stepAnn));

    // Silent: says hello with a valid token, joins sync by hand, never acknowledges anything.
    const silent = pair(host, 'sil');
    let silentParts = 0;
    silent.player.intercept((event) => {
      if (event.channel === 'reliable') {
        if ((event.data as { k?: string }).k === 'hello')
          silent.player.send('reliable', { tw: 'sync', k: 'join' });
      } else if (event.stream === SNAPSHOT_STREAM) silentParts++;
      return true;
    });
    await silent.player.opened;
    silent.player.send('reliable', { type: 'hello', token: 'ok:sil', name: 'sil' });
    silent.player.send('reliable', { tw: 'sync', k: 'hi' });

    // Flooder: a real client, then 20 packets of 63 new inputs every 16 ms on top.
    const fred = pair(host, 'fred');
    const fredClient = new ArenaClient(fred.player, { name: 'fred', token: 'ok:fred' });
    await until(() => ann.ready && fredClient.ready && silentParts > 0, 'everybody seated');
    const annStartX = ann.view().me!.x;
    const ticksBefore = annTicks.length;
    const q = quantizeInput(arenaInput.type, { mx: 0, my: 0, aim: 0, fire: false, view: 0, rewind: false });
    let seq = 1_000;
    const flood = setInterval(() => {
      if (fred.player.state !== 'open') return;
      for (let i = 0; i < 20; i++) {
        const bytes = encodeInputPacket(arenaInput, {
          ackTick: undefined,
          loss: 0,
          newestSeq: (seq += 63),
          inputs: Array.from({ length: 63 }, () => q),
        });
        fred.player.sendRaw('unreliable', bytes, { stream: INPUT_STREAM, latestOnly: false });
      }
    }, 16);
    cleanups.push(() => clearInterval(flood));

    // The flooder is cut off (its connection closed) within a few seconds.
    await closed(fred.player);
    clearInterval(flood);
    expect(host.stats().violations).toBeGreaterThanOrEqual(1);
    expect(host.stats().packetsOverBudget + host.stats().inputOverflow).toBeGreaterThan(100);

    // The silent one was degraded to keyframes: its ack lag grew past a second and it is skipped.
    const silentClient = [...host.server.clients].find((c) => c.connection === silent.hostSide)!;
    await until(() => silentClient.stats().guard.degradedSkips > 30, 'silent peer degraded');
    const silentStats = silentClient.stats();
    expect(silentStats.guard.degraded).toBe(true);
    // From now on it gets keyframes only (4 a second), not a snapshot every tick: over the next
    // 30 ticks (a second at 30 Hz) far fewer than 30 are sent.
    const sentBefore = silentStats.snapshotsSent;
    const tickBefore = host.server.tick;
    await until(() => host.server.tick >= tickBefore + 30, 'thirty more ticks');
    expect(silentClient.stats().snapshotsSent - sentBefore).toBeLessThan(15);

    // A second connection with ann's token takes her seat over; the first is closed, the seat count stays.
    const seats = host.seats.size;
    const annFirst = ann.connection;
    const annFirstClosed = closed(annFirst);
    const again = new ArenaClient(pair(host, 'ann').player, { name: 'ann', token: 'ok:ann' });
    await annFirstClosed;
    await until(() => again.ready, 'the second connection seated');
    expect(again.slot).toBe(ann.slot);
    expect(host.seats.size).toBe(seats);
    expect(host.stats().replacedConnections).toBe(1);

    // Ann, throughout: snapshots in order and nearly every tick, and her ship moved.
    for (let i = 1; i < annTicks.length; i++) expect(annTicks[i]!).toBeGreaterThan(annTicks[i - 1]!);
    const during = annTicks.slice(ticksBefore);
    expect(during.length).toBeGreaterThanOrEqual(0.6 * (during.at(-1)! - during[0]! + 1));
    expect(ann.view().me!.x).toBeGreaterThan(annStartX + 30);
    expect(host.server.tick).toBeGreaterThan(during.at(-1)! - 1);
    console.log(
      `arena host: ann ${during.length} snapshots over ${during.at(-1)! - during[0]! + 1} ticks, ` +
        `last tick ${host.stats().tickMs.toFixed(2)} ms; silent peer sent ${silentStats.snapshotsSent} ` +
        `snapshots in ${host.server.tick} ticks; stats ${JSON.stringify(host.stats())}`,
    );
  }, 60_000);
});
