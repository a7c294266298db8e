// Online guessing of private-room codes (issue 13, finding 5): a wrong code is a violation and
// counts against the address's code budget; past it the address may not join by code at all for
// `codeLockoutMs`, not even with the right code, on any of its connections. Other addresses are
// not affected.
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient, cleanup, connect, startLobby } from './helpers.js';

afterEach(cleanup);

/** Codes use an alphabet without 0/1/I/O, so these can never name a room. */
const wrongCode = (i: number): string => `O0O0${String(i).padStart(2, '0')}`.slice(0, 6);

describe('private-room codes', () => {
  it('locks an address out of joins by code after codeFailuresPerMinute wrong ones', async () => {
    const server = await startLobby({ codeFailuresPerMinute: 5, maxViolations: 1_000 });
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 4, public: false });
    const guesser = await RawClient.open(server.url, {}, '127.0.0.40');
    await guesser.hello();
    for (let i = 0; i < 6; i += 1) {
      guesser.send({ t: 'room.join', id: i, code: wrongCode(i) });
      expect(await guesser.next('error', (m) => m.re === i)).toMatchObject({ code: 'room_not_found' });
    }
    // Locked out: even the right code is refused, with how long to wait.
    guesser.send({ t: 'room.join', id: 10, code: room.code });
    const locked = await guesser.next('error', (m) => m.re === 10);
    expect(locked).toMatchObject({ code: 'rate_limited' });
    expect((locked.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(50_000);
    // Per address, not per connection: a fresh connection from there is locked out too.
    const again = await RawClient.open(server.url, {}, '127.0.0.40');
    await again.hello();
    again.send({ t: 'room.join', id: 1, code: room.code });
    expect(await again.next('error', (m) => m.re === 1)).toMatchObject({ code: 'rate_limited' });
    // Another address joins with the code as usual.
    const friend = await RawClient.open(server.url, {}, '127.0.0.41');
    await friend.hello();
    friend.send({ t: 'room.join', id: 1, code: room.code });
    await friend.next('ok', (m) => m.re === 1);
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(text).toMatch(/^lobby_code_lockouts_total 1$/m);
  });

  it('counts every wrong code as a violation, so a fast guesser is cut off with 4008', async () => {
    const server = await startLobby({ maxViolations: 8, codeFailuresPerMinute: 1_000 });
    const guesser = await RawClient.open(server.url, {}, '127.0.0.42');
    await guesser.hello();
    for (let i = 0; i < 20; i += 1) guesser.send({ t: 'room.join', id: i, code: wrongCode(i) });
    expect((await guesser.closed).code).toBe(4008);
    expect(guesser.messages.filter((m) => m.t === 'error').length).toBeLessThanOrEqual(9);
  });
});
