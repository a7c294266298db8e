// SeatGuard with real peers against an Authority on one UDP port: one join token, several
// connections. Under 'replace' the newest connection holds the seat and the older one is closed;
// under 'refuse' the second is refused while the first lives and admitted once it closed; a token
// that does not verify is refused with its reason. The verifier is a real HMAC check, as a lobby's
// signed join token would be.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { pickFreePort } from '@tickwire/testkit';
import { describe, expect, it } from 'vitest';
import { Authority, connect, createSignalerPair, SeatGuard } from '../src/index.js';
import type { Connection, TransportError } from '../src/index.js';
import { onCleanup } from './helpers.js';

const SECRET = 'seat-guard-test-secret';
const sign = (player: string) => `${player}.${createHmac('sha256', SECRET).update(player).digest('hex')}`;
async function verify(token: string): Promise<string> {
  const [player = '', mac = ''] = token.split('.');
  const want = createHmac('sha256', SECRET).update(player).digest();
  const got = Buffer.from(mac, 'hex');
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw new Error('bad signature');
  return player;
}

async function server() {
  const authority = new Authority({ port: await pickFreePort({ host: '0.0.0.0' }) });
  onCleanup(() => authority.close());
  /** A player connection and the authority's side of it, both open. */
  const open = async (): Promise<{ player: Connection; served: Connection }> => {
    const [offer, answer] = createSignalerPair();
    const player = connect({ role: 'offerer', signaler: offer });
    onCleanup(() => player.close());
    const served = authority.accept(answer);
    await Promise.all([player.opened, served.opened]);
    return { player, served };
  };
  return { authority, open };
}

const closed = (connection: Connection) =>
  new Promise<void>((resolve) =>
    connection.state === 'closed' ? resolve() : connection.on('close', () => resolve()),
  );

describe('one connection per seat (SeatGuard)', () => {
  it("replaces the seat's connection and closes the older one", async () => {
    const { open } = await server();
    const guard = new SeatGuard<string>({ verify });
    const replaced: [string, Connection, Connection][] = [];
    guard.on('replaced', (seat, previous, next) => replaced.push([seat, previous, next]));
    const token = sign('ann');
    const first = await open();
    const second = await open();
    expect(await guard.admit(first.served, token)).toBe('ann');
    const firstGone = closed(first.player);
    expect(await guard.admit(second.served, token)).toBe('ann');
    expect(replaced).toEqual([['ann', first.served, second.served]]);
    expect(first.served.state).toBe('closed');
    await firstGone; // the player's side sees its old connection end
    expect(second.served.state).toBe('open');
    expect(guard.connectionOf('ann')).toBe(second.served);
    expect(guard.seatOf(first.served)).toBeUndefined();
    // Two more at once with the same token: one seat, one live connection, the newest.
    const [third, fourth] = await Promise.all([open(), open()]);
    await Promise.all([guard.admit(third.served, token), guard.admit(fourth.served, token)]);
    expect(guard.size).toBe(1);
    const live = [second, third, fourth].filter((c) => c.served.state === 'open');
    expect(live).toHaveLength(1);
    expect(guard.connectionOf('ann')).toBe(live[0]!.served);
    expect(guard.stats()).toEqual({ admitted: 4, replaced: 3, invalid: 0, taken: 0 });
  }, 30_000);

  it('refuses a second connection while the first lives, then admits one', async () => {
    const { open } = await server();
    const guard = new SeatGuard<string>({ verify, duplicate: 'refuse' });
    const refusals: TransportError[] = [];
    guard.on('refused', (_connection, error) => refusals.push(error));
    const token = sign('bob');
    const first = await open();
    const second = await open();
    await guard.admit(first.served, token);
    await expect(guard.admit(second.served, token)).rejects.toMatchObject({
      code: 'SEAT_REFUSED',
      details: { reason: 'seat-taken' },
    });
    expect(second.served.state).toBe('open'); // refused, not closed: the caller decides
    expect(guard.connectionOf('bob')).toBe(first.served);
    // A forged token and one signed for another secret are refused too.
    await expect(guard.admit(second.served, 'bob.00')).rejects.toMatchObject({
      details: { reason: 'invalid-token' },
    });
    // Once the first has closed, the seat is free.
    const gone = closed(first.served);
    first.player.close();
    await gone;
    expect(guard.connectionOf('bob')).toBeUndefined();
    expect(await guard.admit(second.served, token)).toBe('bob');
    expect(refusals.map((e) => e.details.reason)).toEqual(['seat-taken', 'invalid-token']);
    expect(guard.stats()).toEqual({ admitted: 2, replaced: 0, invalid: 1, taken: 1 });
  }, 30_000);
});
