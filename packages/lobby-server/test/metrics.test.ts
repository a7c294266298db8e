// /metrics in Prometheus text format: sessions, rooms, messages by type, errors by code, closes.
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyServer } from '../src/index.js';
import { cleanup, connect, eventually, startLobby } from './helpers.js';

afterEach(cleanup);

async function scrape(server: LobbyServer): Promise<Map<string, number>> {
  const response = await fetch(`${server.httpUrl}/metrics`);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('metrics', () => {
  it('count sessions, rooms, messages by type and errors by code', async () => {
    const server = await startLobby({ processMetrics: true });
    const a = await connect(server);
    const b = await connect(server);
    await a.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
    await expect(b.joinRoom({ roomId: 'missing' })).rejects.toMatchObject({ code: 'room_not_found' });
    await b.ping();
    const m = await scrape(server);
    expect(m.get('lobby_sessions')).toBe(2);
    expect(m.get('lobby_rooms')).toBe(1);
    expect(m.get('lobby_messages_in_total{type="hello"}')).toBe(2);
    expect(m.get('lobby_messages_in_total{type="room.create"}')).toBe(1);
    expect(m.get('lobby_errors_total{code="room_not_found"}')).toBe(1);
    expect(m.get('lobby_messages_out_total')).toBeGreaterThanOrEqual(5);
    expect([...m.keys()].some((k) => k.startsWith('lobby_process_'))).toBe(true);
    b.close();
    await eventually(
      async () => (await scrape(server)).get('lobby_sessions') === 1,
      2_000,
      'session gauge down',
    );
    expect((await scrape(server)).get('lobby_closes_total{code="1000"}')).toBe(1);
  });
});
