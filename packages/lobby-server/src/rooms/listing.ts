// How public rooms are listed without reading them all: every public room has one entry in an
// ordered index (creation time, then id), per game mode too, and a listing reads one page of it
// after a cursor. A listing's work and reply size are bounded by its page, never by how many rooms
// exist. This module only builds entries, cursors and summaries; it never touches the store.
import type { RoomProps, RoomSummary } from '../protocol/views.js';
import type { AuthorityStatus } from '../protocol/views.js';
import type { RoomRecord } from '../state/records.js';

/** Entries a listing may read beyond its page size, to fill the page when some do not match. */
export const LISTING_SCAN_SLACK = 16;
/** Bytes of props (as JSON) one listed room may carry; the rest is cut and flagged. */
export const LISTING_PROPS_MAX_BYTES = 256;
/** Largest page (`limit`) a listing serves. */
export const LISTING_MAX_PAGE = 100;

/** `<createdAt, base 36, 9 digits>.<room id>`: byte order is creation order (until year 5138). */
export function listingEntry(room: Pick<RoomRecord, 'id' | 'createdAt'>): string {
  return `${Math.max(0, Math.floor(room.createdAt)).toString(36).padStart(9, '0')}.${room.id}`;
}

export function roomIdOfEntry(entry: string): string {
  return entry.slice(entry.indexOf('.') + 1);
}

const CURSOR = /^[0-9a-z]{9}\.[A-Za-z0-9_-]{1,64}$/;

/** A cursor is an entry handed out as `next`; anything else is refused, not looked up. */
export function isListingCursor(value: string): boolean {
  return CURSOR.test(value);
}

/** Props kept in their own order until the next one would pass the byte cap. */
export function listedProps(props: RoomProps): { props: RoomProps; truncated: boolean } {
  const kept: Record<string, RoomProps[string]> = {};
  let bytes = 2; // {}
  let truncated = false;
  for (const [key, value] of Object.entries(props)) {
    const size = JSON.stringify(key).length + JSON.stringify(value).length + 2; // ':' and ','
    if (bytes + size > LISTING_PROPS_MAX_BYTES) {
      truncated = true;
      continue;
    }
    kept[key] = value;
    bytes += size;
  }
  return { props: kept, truncated };
}

export function toListedRoom(room: RoomRecord, authorityStatus: AuthorityStatus): RoomSummary {
  const { props, truncated } = listedProps(room.props);
  return {
    id: room.id,
    code: room.code,
    mode: room.mode,
    players: room.members.length,
    maxPlayers: room.maxPlayers,
    props,
    ...(truncated ? { propsTruncated: true as const } : {}),
    authorityStatus,
  };
}
