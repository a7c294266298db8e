// The arena's reliable messages, both directions, and the parsers that turn untrusted network
// values into them. Nothing from the network is used before one of these functions returned it:
// a value that does not parse is dropped and counted by the caller, never cast.

export const PathType = { Host: 'host', Srflx: 'srflx', Relay: 'relay', Unknown: 'unknown' } as const;
export type PathType = (typeof PathType)[keyof typeof PathType];

export interface RosterEntry {
  slot: number;
  /**
   * The seat's stable identity: the player's lobby session id (room members see it anyway) or
   * `bot:N`. A new host after a migration seats everybody's carried score by it.
   */
  key: string;
  name: string;
  ready: boolean;
  connected: boolean;
  bot: boolean;
  /** Round-trip time between this player and the authority, ms (0 for the host's own player and bots). */
  ping: number;
  path: PathType;
}

/** Player → authority, over the reliable channel. */
export type ClientMessage =
  | { type: 'hello'; token: string; name: string }
  | { type: 'ready'; ready: boolean }
  | { type: 'chat'; text: string }
  /** What the player measured: prediction corrections so far (for the server's metrics). */
  | { type: 'report'; corrections: number };

/** Authority → players, as sync events (server.emit), stamped with the tick they happened at. */
export type HostEvent =
  | { type: 'welcome'; slot: number }
  | { type: 'roster'; players: RosterEntry[] }
  | { type: 'kill'; killer: number; victim: number }
  | { type: 'hit'; shooter: number; target: number; hp: number }
  | { type: 'chat'; from: string; text: string }
  | { type: 'round'; phase: 'start' | 'end'; round: number; winner: string | null }
  | { type: 'notice'; text: string }
  | { type: 'refused'; reason: string };

export const LIMITS = { name: 24, chat: 200, token: 4096, notice: 200, roster: 64, key: 64 } as const;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const uint = (v: unknown, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;

export function parseClientMessage(value: unknown): ClientMessage | undefined {
  if (!isRec(value)) return undefined;
  switch (value['type']) {
    case 'hello':
      return str(value['token'], LIMITS.token) && str(value['name'], LIMITS.name)
        ? { type: 'hello', token: value['token'], name: value['name'] }
        : undefined;
    case 'ready':
      return typeof value['ready'] === 'boolean' ? { type: 'ready', ready: value['ready'] } : undefined;
    case 'chat':
      return str(value['text'], LIMITS.chat) && value['text'].trim() !== ''
        ? { type: 'chat', text: value['text'] }
        : undefined;
    case 'report':
      return uint(value['corrections'], 2 ** 31)
        ? { type: 'report', corrections: value['corrections'] }
        : undefined;
    default:
      return undefined;
  }
}

const PATHS = new Set<unknown>(Object.values(PathType));

function parseRosterEntry(v: unknown): RosterEntry | undefined {
  if (!isRec(v)) return undefined;
  const { slot, key, name, ready, connected, bot, ping, path } = v;
  if (!uint(slot, 255) || !str(key, LIMITS.key) || !str(name, LIMITS.name) || typeof ready !== 'boolean')
    return undefined;
  if (typeof connected !== 'boolean' || typeof bot !== 'boolean' || !uint(ping, 60_000)) return undefined;
  if (!PATHS.has(path)) return undefined;
  return { slot, key, name, ready, connected, bot, ping, path: path as PathType };
}

export function parseHostEvent(value: unknown): HostEvent | undefined {
  if (!isRec(value)) return undefined;
  switch (value['type']) {
    case 'welcome':
      return uint(value['slot'], 255) ? { type: 'welcome', slot: value['slot'] } : undefined;
    case 'roster': {
      const list = value['players'];
      if (!Array.isArray(list) || list.length > LIMITS.roster) return undefined;
      const players = list.map(parseRosterEntry);
      return players.every((p) => p !== undefined)
        ? { type: 'roster', players: players as RosterEntry[] }
        : undefined;
    }
    case 'kill':
      return uint(value['killer'], 255) && uint(value['victim'], 255)
        ? { type: 'kill', killer: value['killer'], victim: value['victim'] }
        : undefined;
    case 'hit':
      return uint(value['shooter'], 255) && uint(value['target'], 255) && uint(value['hp'], 1000)
        ? { type: 'hit', shooter: value['shooter'], target: value['target'], hp: value['hp'] }
        : undefined;
    case 'chat':
      return str(value['from'], LIMITS.name) && str(value['text'], LIMITS.chat)
        ? { type: 'chat', from: value['from'], text: value['text'] }
        : undefined;
    case 'round': {
      const { phase, round, winner } = value;
      if ((phase !== 'start' && phase !== 'end') || !uint(round, 65535)) return undefined;
      if (winner !== null && !str(winner, LIMITS.name)) return undefined;
      return { type: 'round', phase, round, winner };
    }
    case 'notice':
      return str(value['text'], LIMITS.notice) ? { type: 'notice', text: value['text'] } : undefined;
    case 'refused':
      return str(value['reason'], LIMITS.notice) ? { type: 'refused', reason: value['reason'] } : undefined;
    default:
      return undefined;
  }
}
