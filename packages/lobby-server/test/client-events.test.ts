// The lobby client's events through the transport's shared emitter (`@tickwire/transport/emitter`):
// waitFor with a predicate, its timeout as a LobbyError, an AbortSignal, unsubscribing, and the
// deprecated positional form still working (branches written before the switch use it).
import { afterEach, describe, expect, it } from 'vitest';
import { LobbyError } from '../src/client/index.js';
import { cleanup, connect, startLobby } from './helpers.js';

afterEach(cleanup);

describe('lobby client events', () => {
  it('waitFor takes a predicate, times out with a LobbyError and stops on an abort', async () => {
    const server = await startLobby();
    const host = await connect(server, { name: 'host' });
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 3, public: false });

    const timedOut = await host.waitFor('roomLeft', { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(LobbyError);
    expect(timedOut).toMatchObject({ code: 'timeout', details: { event: 'roomLeft', timeoutMs: 20 } });

    const controller = new AbortController();
    const aborted = host.waitFor('roomUpdate', { signal: controller.signal });
    controller.abort(new Error('game over'));
    await expect(aborted).rejects.toThrow('game over');

    const updates: string[] = [];
    const off = host.on('roomUpdate', (u) => updates.push(u.reason));
    const second = host.waitFor('roomUpdate', {
      predicate: (u) => u.reason === 'joined' && u.room.members.length === 3,
      timeoutMs: 10_000,
    });
    const legacy = host.waitFor('roomUpdate', (u) => u.reason === 'joined', 10_000);
    const guests = [await connect(server, { name: 'a' }), await connect(server, { name: 'b' })];
    await guests[0]!.joinRoom({ code: room.code });
    const [first] = await legacy;
    expect(first.playerId).toBe(guests[0]!.sessionId);
    off();
    await guests[1]!.joinRoom({ code: room.code });
    const [joined] = await second;
    expect(joined.playerId).toBe(guests[1]!.sessionId);
    expect(updates).toEqual(['joined']);
  });
});
