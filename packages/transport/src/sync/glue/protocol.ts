// The few reliable messages the sync glue exchanges next to the unreliable snapshot and input
// streams, and the stream numbers it uses. Everything arriving is validated before use. All of it
// is the sync layer's own traffic: it is intercepted before the application's `message` listeners
// (isSyncTraffic), so game code never sees a hello or a snapshot part.
import type { MessageEvent } from '../../connection/types.js';

/** Unreliable stream of snapshot parts (authority → client; parts are independent: not latest-only). */
export const SNAPSHOT_STREAM = 1;
/** Unreliable stream of ack + input packets (client → authority; each supersedes the previous). */
export const INPUT_STREAM = 2;
// 2: the client confirms the hello with `join`; events wait for it; `self` names the client's entity.
// (scale branch) snapshot packets carry the chained flag and floor tick (snapshot/header.ts, tag 0xb3).
// 3: both of the above together.
export const SYNC_PROTOCOL_VERSION = 3;

export type SyncMessage =
  /** Client → authority: please (re)send the hello (the client may attach after it was sent). */
  | { tw: 'sync'; k: 'hi' }
  | { tw: 'sync'; k: 'hello'; v: number; hash: number; tickRate: number; tick: number }
  /** Client → authority: hello accepted, the client is ready for events. */
  | { tw: 'sync'; k: 'join' }
  /** Authority → client: the entity that is this client's own (null: none). */
  | { tw: 'sync'; k: 'self'; id: number | null }
  | { tw: 'sync'; k: 'event'; tick: number; data: unknown }
  | { tw: 'sync'; k: 'bye'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/**
 * True for traffic the sync layer reserves once it is attached to a connection: anything on the
 * snapshot and input streams, and reliable `{ tw: 'sync', … }` messages (malformed ones included).
 */
export function isSyncTraffic(event: MessageEvent): boolean {
  if (event.channel === 'unreliable')
    return event.stream === SNAPSHOT_STREAM || event.stream === INPUT_STREAM;
  return !event.raw && isRecord(event.data) && event.data.tw === 'sync';
}

/** The sync message in `value`, or undefined when it is not one (or is malformed). */
export function parseSyncMessage(value: unknown): SyncMessage | undefined {
  if (!isRecord(value) || value.tw !== 'sync') return undefined;
  switch (value.k) {
    case 'hi':
      return { tw: 'sync', k: 'hi' };
    case 'join':
      return { tw: 'sync', k: 'join' };
    case 'self':
      if (value.id !== null && (!isCount(value.id) || value.id >= 2 ** 32)) return undefined;
      return { tw: 'sync', k: 'self', id: value.id };
    case 'hello':
      if (!isCount(value.v) || !isCount(value.hash) || !isCount(value.tick)) return undefined;
      if (typeof value.tickRate !== 'number' || !(value.tickRate > 0 && value.tickRate <= 1000))
        return undefined;
      return {
        tw: 'sync',
        k: 'hello',
        v: value.v,
        hash: value.hash,
        tickRate: value.tickRate,
        tick: value.tick,
      };
    case 'event':
      if (!isCount(value.tick)) return undefined;
      return { tw: 'sync', k: 'event', tick: value.tick, data: value.data };
    case 'bye':
      return {
        tw: 'sync',
        k: 'bye',
        reason: typeof value.reason === 'string' ? value.reason.slice(0, 200) : 'unknown',
      };
    default:
      return undefined;
  }
}
