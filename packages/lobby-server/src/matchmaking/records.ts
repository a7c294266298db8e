// Matchmaking documents: queue tickets (a player or a whole party), pending matches waiting for
// every player to accept, and registered dedicated game servers.
import type { QueueWaitReason } from '../protocol/codes.js';
import type { RegionLatency } from '../protocol/views.js';

export interface TicketMember {
  readonly id: string;
  readonly name: string;
  readonly rating: number;
}

export interface TicketRecord {
  readonly id: string;
  /** The session that queued (the party room's host for a party). */
  readonly leaderId: string;
  readonly members: readonly TicketMember[];
  readonly mode: string;
  readonly matchSize: number;
  /** Mean rating of the members. */
  readonly rating: number;
  /** The leader's measured latency per region; empty = no preference. */
  readonly regions: readonly RegionLatency[];
  readonly enqueuedAt: number;
  readonly lastReason?: QueueWaitReason;
  readonly statusAt?: number;
}

export interface MatchRecord {
  readonly id: string;
  readonly mode: string;
  readonly region: string;
  readonly tickets: readonly TicketRecord[];
  readonly accepted: readonly string[];
  readonly status: 'pending' | 'done';
  readonly deadline: number;
  readonly createdAt: number;
}

export interface GameServerRecord {
  /** The server's session id. */
  readonly id: string;
  readonly region: string;
  readonly address: string;
  readonly capacity: number;
  /** Players the server reported in its last heartbeat. */
  readonly load: number;
  /** Players assigned since that heartbeat. */
  readonly pending: number;
  readonly modes?: readonly string[];
  readonly lastHeartbeat: number;
}

export function playersOf(match: MatchRecord): string[] {
  return match.tickets.flatMap((ticket) => ticket.members.map((member) => member.id));
}
