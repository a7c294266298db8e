// The whole game on one machine, without a browser: a lobby, the authority, and a Node client
// that joins through the lobby exactly as the page does, learns which ship is its own, and moves it.
import { createLobbyServer, type LobbyServer } from '@tickwire/lobby-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAuthority, type Authority } from '../server/authority';
import { joinGame } from '../src/join';

let lobby: LobbyServer;
let authority: Authority;
let lobbyUrl: string;

beforeAll(async () => {
  lobby = await createLobbyServer({ port: 0, host: '127.0.0.1', logLevel: 'error' });
  lobbyUrl = `ws://127.0.0.1:${lobby.port}`;
  authority = await startAuthority({ lobbyUrl });
});

afterAll(async () => {
  await authority?.close();
  await lobby?.close();
});

it('a player joins through the lobby, gets its own ship and moves it', async () => {
  const game = await joinGame({ lobbyUrl, name: 'test-player' });
  try {
    // The authority assigns a ship when the player joins; sync tells the client which one.
    const self = game.sync.self ?? (await new Promise<number | undefined>((r) => game.sync.on('self', r)));
    expect(self).toBeTypeOf('number');

    // sample() is what the page draws: ships interpolated between snapshots, typed by the schema.
    const myShip = () => game.sync.sample().entities.find((ship) => ship.id === self)?.value;
    await until(() => myShip() !== undefined);
    const start = myShip()!;

    // Hold "right" for a while: the authority moves the ship, snapshots bring it back.
    const sending = setInterval(() => game.sync.sendInput({ dx: 1, dy: 0 }), 1000 / 30);
    try {
      await until(() => (myShip()?.x ?? 0) > start.x + 20);
    } finally {
      clearInterval(sending);
    }
    expect(myShip()!.y).toBeCloseTo(start.y, 1);
  } finally {
    game.close();
  }
});

it('a second player sees the first one', async () => {
  const first = await joinGame({ lobbyUrl, name: 'first' });
  const second = await joinGame({ lobbyUrl, name: 'second' });
  try {
    await until(() => second.sync.sample().entities.length === 2);
    expect(authority.players()).toBe(2);
  } finally {
    first.close();
    second.close();
  }
  await until(() => authority.players() === 0);
});

/** Waits for a condition that snapshots (30 per second) make true. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
