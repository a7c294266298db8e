// Who a room turned away: a kicked player may not rejoin that room for `kickBanMs`. A ban names
// the session and, with an identity hook, the user id, so a signed-in player cannot come back with
// a fresh session. Not the address: players behind one NAT (a LAN party) would all be locked out.
// Pure functions over the room record; the list is bounded so it cannot grow the room document.
import type { RoomBan, RoomRecord, SessionRecord } from '../state/records.js';

/** Most bans one room remembers (the oldest are forgotten first). */
export const MAX_BANS = 32;

export function withBan(
  room: RoomRecord,
  kicked: SessionRecord | undefined,
  id: string,
  until: number,
  now: number,
): RoomRecord {
  const ban: RoomBan = {
    sessionId: id,
    until,
    ...(kicked?.userId === undefined ? {} : { userId: kicked.userId }),
  };
  const live = (room.bans ?? []).filter((b) => b.until > now);
  return { ...room, bans: [...live, ban].slice(-MAX_BANS) };
}

/** The ban that keeps `session` out of `room` now, if any. */
export function banOf(room: RoomRecord, session: SessionRecord, now: number): RoomBan | undefined {
  return (room.bans ?? []).find(
    (ban) =>
      ban.until > now &&
      (ban.sessionId === session.id || (ban.userId !== undefined && ban.userId === session.userId)),
  );
}
