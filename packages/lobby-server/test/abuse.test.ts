// The smaller findings of issue 13 (finding 7): a kicked player cannot rejoin at once, display
// names and room props cannot carry control, bidi or invisible-only text, /metrics is rate-limited
// and its close-code labels cannot be chosen by clients, and the per-minute room-creation limit
// survives a session resume.
import { afterEach, describe, expect, it } from 'vitest';
import { isLobbyError } from '../src/client/index.js';
import { RawClient, cleanup, connect, delay, startLobby } from './helpers.js';

afterEach(cleanup);

async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

describe('kick ban', () => {
  it('keeps a kicked player out of the room for kickBanMs, then lets it back', async () => {
    const server = await startLobby({ kickBanMs: 1_500 });
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 4, public: false });
    const guest = await connect(server);
    await guest.joinRoom({ roomId: room.id });
    const left = guest.waitFor('roomLeft');
    await host.kick(guest.sessionId!);
    await left;
    const refused = await guest.joinRoom({ code: room.code }).catch((error: unknown) => error);
    expect(isLobbyError(refused, 'banned')).toBe(true);
    expect((refused as { details: { retryAfterMs: number } }).details.retryAfterMs).toBeGreaterThan(0);
    // Others still join; the ban ends by itself.
    const other = await connect(server);
    await other.joinRoom({ roomId: room.id });
    await delay(1_600);
    await guest.joinRoom({ roomId: room.id });
    expect(guest.room?.id).toBe(room.id);
  });
});

describe('display text', () => {
  const hostile = [
    'nul\u0000byte',
    'two\nlines',
    '\u001b[31mred\u001b[0m',
    'abc\u202egnp.exe',
    'iso\u2066late',
    '\u200b\u200b\u200b',
    '\u2060\ufeff',
    'c1\u009bcontrol',
  ];

  it('refuses hostile display names with bad_request and accepts ordinary Unicode ones', async () => {
    const server = await startLobby({ maxViolations: 1_000 });
    for (const name of hostile) {
      const raw = await RawClient.open(server.url);
      raw.send({ t: 'hello', v: 1, name });
      expect(await raw.next('error'), JSON.stringify(name)).toMatchObject({ code: 'bad_request' });
      raw.ws.terminate();
    }
    const raw = await RawClient.open(server.url);
    expect((await raw.hello({ name: 'Zoë 🎮 李' })).name).toBe('Zoë 🎮 李');
  });

  it('refuses control and bidi characters in room props', async () => {
    const server = await startLobby();
    const raw = await RawClient.open(server.url);
    await raw.hello();
    raw.send({
      t: 'room.create',
      id: 1,
      mode: 'duel',
      maxPlayers: 2,
      public: true,
      props: { title: '\u001b[2J' },
    });
    expect(await raw.next('error', (m) => m.re === 1)).toMatchObject({ code: 'bad_request' });
    raw.send({
      t: 'room.create',
      id: 2,
      mode: 'duel',
      maxPlayers: 2,
      public: true,
      props: { title: 'a\u202eb' },
    });
    expect(await raw.next('error', (m) => m.re === 2)).toMatchObject({ code: 'bad_request' });
  });
});

describe('metrics', () => {
  it('labels client-chosen close codes as "other"', async () => {
    const server = await startLobby();
    for (const code of [4999, 3333, 4123]) {
      const raw = await RawClient.open(server.url);
      await raw.hello();
      raw.ws.close(code);
      await raw.closed;
    }
    const client = await connect(server);
    await client.ping();
    let text = '';
    for (let i = 0; i < 50 && !/lobby_closes_total\{code="other"\} 3/.test(text); i += 1) {
      await delay(20);
      text = await metricsText(server.httpUrl);
    }
    expect(text).toMatch(/^lobby_closes_total\{code="other"\} 3$/m);
    expect(text).not.toMatch(/code="(4999|3333|4123)"/);
  });
});

describe('room-creation limit', () => {
  it('is not reset by resuming the session on a new connection', async () => {
    const server = await startLobby({ roomsPerMinute: 2 });
    const first = await RawClient.open(server.url);
    const welcome = await first.hello();
    for (let i = 0; i < 2; i += 1) {
      first.send({ t: 'room.create', id: 10 + i, mode: 'duel', maxPlayers: 2, public: false });
      await first.next('ok', (m) => m.re === 10 + i);
      first.send({ t: 'room.leave', id: 20 + i });
      await first.next('ok', (m) => m.re === 20 + i);
    }
    first.send({ t: 'room.create', id: 30, mode: 'duel', maxPlayers: 2, public: false });
    expect(await first.next('error', (m) => m.re === 30)).toMatchObject({ code: 'room_limit' });
    const second = await RawClient.open(server.url);
    expect((await second.hello({ resume: welcome.token })).resumed).toBe(true);
    second.send({ t: 'room.create', id: 31, mode: 'duel', maxPlayers: 2, public: false });
    expect(await second.next('error', (m) => m.re === 31)).toMatchObject({ code: 'room_limit' });
  });
});
