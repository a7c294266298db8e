// The two doors to the room listing, `room.list` over the WebSocket and `GET /rooms` over HTTP,
// turned into one call of RoomService.list with the same bounds: a page of at most
// LISTING_MAX_PAGE rooms and a cursor that must be one the lobby handed out.
import { LobbyError } from '../errors.js';
import type { ClientMessageOf } from '../protocol/schemas.js';
import type { RoomPage } from '../protocol/views.js';
import type { RoomService } from './room-service.js';
import { LISTING_MAX_PAGE, isListingCursor } from './listing.js';

const DEFAULT_PAGE = 50;

export function listRooms(rooms: RoomService, message: ClientMessageOf<'room.list'>): Promise<RoomPage> {
  if (message.cursor !== undefined && !isListingCursor(message.cursor)) {
    throw new LobbyError('bad_request', 'cursor is not one this lobby handed out');
  }
  return rooms.list(
    {
      ...(message.mode === undefined ? {} : { mode: message.mode }),
      ...(message.props === undefined ? {} : { props: message.props }),
      ...(message.notFull === undefined ? {} : { notFull: message.notFull }),
      ...(message.includeUnavailable === undefined ? {} : { includeUnavailable: message.includeUnavailable }),
    },
    Math.min(message.limit ?? DEFAULT_PAGE, LISTING_MAX_PAGE),
    message.cursor,
  );
}

const MODE = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * `GET /rooms?mode=&limit=&cursor=`: joinable rooms only (not full, authority online). Bad
 * parameters answer `{ error }` (a 400), never a guess.
 */
export async function listRoomsOverHttp(
  rooms: RoomService,
  params: URLSearchParams,
): Promise<RoomPage | { error: string }> {
  const mode = params.get('mode') || undefined;
  const cursor = params.get('cursor') || undefined;
  const limitText = params.get('limit');
  const limit = limitText === null ? LISTING_MAX_PAGE : Number(limitText);
  if (mode !== undefined && !MODE.test(mode)) return { error: 'bad mode' };
  if (cursor !== undefined && !isListingCursor(cursor)) return { error: 'bad cursor' };
  if (!Number.isInteger(limit) || limit < 1 || limit > LISTING_MAX_PAGE) return { error: 'bad limit' };
  return rooms.list({ ...(mode === undefined ? {} : { mode }), notFull: true }, limit, cursor);
}
