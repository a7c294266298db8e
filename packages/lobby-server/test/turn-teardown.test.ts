// A finished game's TURN allocations end at once. coturn checks credentials only when an
// allocation is made or refreshed, so an expired password leaves a live allocation relaying until
// its lifetime runs out; the lobby instead cancels a player's allocations through coturn's admin
// CLI (CoturnAdmin) when the player leaves its room. Against a real turnserver running the shipped
// configuration with its CLI on (a test-chosen port and password): the allocation relays, the
// player leaves, and within seconds the relay no longer forwards and a Refresh is refused, while
// another player's allocation (still in its room) keeps working.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTurnserver, pickFreePort, startCoturn, waitForStun } from '@tickwire/testkit';
import type { Coturn, CoturnSecretAuth } from '@tickwire/testkit';
import { CoturnAdmin, createTurnCredentials } from '../src/index.js';
import { cleanup, connect, eventually, startLobby } from './helpers.js';
import { openAllocation } from './support/turn-client.js';
import type { TurnAllocation } from './support/turn-client.js';

const CONFIG = fileURLToPath(new URL('../coturn/turnserver.conf', import.meta.url));
const CLI_PASSWORD = 'turn-teardown-cli-password';

describe.skipIf(!hasTurnserver)('TURN allocations end with the game', () => {
  let coturn: Coturn<CoturnSecretAuth>;
  let cliPort: number;
  const allocations: TurnAllocation[] = [];

  beforeAll(async () => {
    cliPort = await pickFreePort({ host: '127.0.0.1', tcp: true });
    coturn = await startCoturn({
      auth: { secret: 'turn-teardown-secret' },
      // The shipped file, its CLI on (testkit's --no-cli taken out) on a free port, and the test's
      // receiving peer on 127.0.0.1 allowed (as in coturn-config.test.ts's bandwidth test: the
      // file's denied ranges still refuse the rest of 127/8).
      spawn: (command, args, options) =>
        spawn(
          command,
          [
            '-c',
            CONFIG,
            ...args.filter((arg) => arg !== '-n' && arg !== '--no-cli'),
            `--cli-port=${cliPort}`,
            `--cli-password=${CLI_PASSWORD}`,
            '--allowed-peer-ip=127.0.0.1',
          ],
          options,
        ),
      probe: (target, signal) => waitForStun(target.port, { host: target.host, timeoutMs: 10_000, signal }),
    });
  });

  afterAll(async () => {
    for (const allocation of allocations) allocation.close();
    await cleanup();
    const started: Coturn<CoturnSecretAuth> | undefined = coturn;
    await started?.stop();
  });

  /** A UDP peer on 127.0.0.1 and a count of what the relay forwarded to it. */
  async function peer() {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const got = { count: 0 };
    socket.on('message', () => got.count++);
    return { socket, got, port: socket.address().port };
  }

  /** Sends through the relay until the peer has seen one more datagram, or `tries` run out. */
  async function relays(turn: TurnAllocation, to: { got: { count: number }; port: number }, tries = 10) {
    const before = to.got.count;
    for (let i = 0; i < tries && to.got.count === before; i++) {
      turn.sendTo('127.0.0.1', to.port, Buffer.from('ping'));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return to.got.count > before;
  }

  it('cancels the allocations of a player who leaves its room, and only those', async () => {
    const server = await startLobby({
      turnSecret: coturn.auth.secret,
      turnUrls: [coturn.url],
      turnCliPort: cliPort,
      turnCliPassword: CLI_PASSWORD,
    });
    const ann = await connect(server);
    const bob = await connect(server);
    await ann.createRoom({ mode: 'duel', maxPlayers: 2, public: false });
    await bob.createRoom({ mode: 'duel', maxPlayers: 2, public: false });
    const target = await peer();
    try {
      const open = async (turn: { username: string; credential: string }) => {
        const allocation = await openAllocation(coturn.port, turn.username, turn.credential);
        allocations.push(allocation);
        expect(allocation.result.ok).toBe(true);
        expect(await allocation.permit('127.0.0.1')).toBe(200);
        return allocation;
      };
      const annTurn = [await open(ann.turn!), await open(ann.turn!)];
      const bobTurn = await open(bob.turn!);
      for (const turn of [...annTurn, bobTurn]) expect(await relays(turn, target)).toBe(true);

      // Ann's game is over: she leaves her room.
      await ann.leaveRoom();
      await eventually(async () => (await annTurn[0]!.refresh(600)) !== 200, 5_000, 'allocation cancelled');
      expect(await annTurn[1]!.refresh(600)).not.toBe(200);
      for (const turn of annTurn) expect(await relays(turn, target, 6)).toBe(false);
      // Bob is still in his room: his allocation lives on.
      expect(await bobTurn.refresh(600)).toBe(200);
      expect(await relays(bobTurn, target)).toBe(true);
    } finally {
      target.socket.close();
    }
  });

  it('CoturnAdmin reports what it cancelled and fails with a typed error on a wrong port', async () => {
    const admin = new CoturnAdmin({ port: cliPort, password: CLI_PASSWORD });
    const credentials = createTurnCredentials(
      { secret: coturn.auth.secret, ttlSeconds: 300, turnUrls: [coturn.url], stunUrls: [] },
      'carol',
    );
    const other = createTurnCredentials(
      { secret: coturn.auth.secret, ttlSeconds: 300, turnUrls: [coturn.url], stunUrls: [] },
      'carol2', // "carol" is a prefix of it: it must survive
    );
    const carol = await openAllocation(coturn.port, credentials.username, credentials.credential);
    const carol2 = await openAllocation(coturn.port, other.username, other.credential);
    allocations.push(carol, carol2);
    expect(carol.result.ok && carol2.result.ok).toBe(true);
    expect(await admin.endSessionsOf(['carol'])).toBe(1);
    expect(await admin.endSessionsOf(['carol'])).toBe(0);
    expect(await carol.refresh(600)).not.toBe(200);
    expect(await carol2.refresh(600)).toBe(200);
    const closedPort = await pickFreePort({ host: '127.0.0.1', tcp: true });
    await expect(
      new CoturnAdmin({ port: closedPort, password: 'x', timeoutMs: 1_000 }).endSessionsOf(['carol2']),
    ).rejects.toMatchObject({ code: 'internal' });
  });
});
