// End to end: two Node peers find each other through matchmaking, signal through the lobby
// (trickle ICE), open tickwire data channels, prove their seat with the join token, and exchange
// messages both ways on both channels.
import { afterEach, describe, expect, it } from 'vitest';
import { connect as connectPeer } from '@tickwire/transport';
import type { Connection, MessageEvent } from '@tickwire/transport';
import { verifyJoinToken } from '../src/client/index.js';
import { cleanup, connect, startLobby } from './helpers.js';

afterEach(cleanup);

function nextMessage(connection: Connection, channel: 'reliable' | 'unreliable'): Promise<unknown> {
  return new Promise((resolve) => {
    const off = connection.on('message', (event: MessageEvent) => {
      if (event.channel !== channel) return;
      off();
      resolve(event.data);
    });
  });
}

describe('matchmaking to data channels', () => {
  it('two Node peers matched by the lobby open tickwire channels and talk both ways', async () => {
    const server = await startLobby();
    const alice = await connect(server, { name: 'alice' });
    const bob = await connect(server, { name: 'bob' });
    const ready = Promise.all([alice.waitFor('matchReady'), bob.waitFor('matchReady')]);
    // Accept as soon as a match is found (registered before queueing: no race with the tick).
    for (const client of [alice, bob])
      client.on('matchFound', (found) => void client.acceptMatch(found.matchId).catch(() => undefined));
    await alice.queue({ mode: 'duel' });
    await bob.queue({ mode: 'duel' });
    const [[readyAlice], [readyBob]] = await ready;
    expect(readyAlice.room.id).toBe(readyBob.room.id);

    // The authority (a player host here) answers; the other player offers.
    const authority = readyAlice.authority;
    if (authority.kind !== 'player') throw new Error('expected a player host');
    const [host, guest, guestReady] =
      authority.playerId === alice.sessionId ? [alice, bob, readyBob] : [bob, alice, readyAlice];
    const hostSide = connectPeer({
      role: 'answerer',
      signaler: host.signalerFor(guest.sessionId),
      label: 'host',
    });
    const guestSide = connectPeer({
      role: 'offerer',
      signaler: guest.signalerFor(host.sessionId),
      label: 'guest',
    });
    try {
      await Promise.all([hostSide.opened, guestSide.opened]);

      // The guest proves its seat; the host checks the token with the lobby's public key.
      const tokenArrived = nextMessage(hostSide, 'reliable');
      guestSide.send('reliable', { joinToken: guestReady.joinToken });
      const { joinToken } = (await tokenArrived) as { joinToken: string };
      const claims = await verifyJoinToken(joinToken, host.joinKey!, {
        authorityId: host.sessionId,
        roomId: readyAlice.room.id,
        playerId: guest.sessionId,
      });
      expect(claims.playerId).toBe(guest.sessionId);

      const atGuest = nextMessage(guestSide, 'reliable');
      hostSide.send('reliable', { welcome: 'seated', tick: 1 });
      expect(await atGuest).toEqual({ welcome: 'seated', tick: 1 });
      const atHost = nextMessage(hostSide, 'unreliable');
      guestSide.send('unreliable', { input: [1, 0, 0] });
      expect(await atHost).toEqual({ input: [1, 0, 0] });
    } finally {
      hostSide.close();
      guestSide.close();
    }
  });
});
