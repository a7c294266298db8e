// zod schemas for every client message: the only door through which untrusted data enters the
// server. Bounds here (string lengths, counts) are part of the hostile-input defence; unknown
// fields are stripped, never stored. Keys starting with `__` are refused (prototype pollution).
import { z } from 'zod';
import { ClientMessageType as T } from './codes.js';
import { displayNameProblem, displayTextProblem } from './display-text.js';

const requestId = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .optional();
const name = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .superRefine((value, ctx) => {
    const problem = displayNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const idString = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_:.-]+$/);
const mode = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/);
/** Same rules as `mode` (1-32 chars of `[A-Za-z0-9_.-]`). */
const region = mode;
const propKey = z.string().regex(/^(?!__)[A-Za-z0-9_.-]{1,32}$/);
const propText = z
  .string()
  .max(128)
  .superRefine((value, ctx) => {
    const problem = displayTextProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const propValue = z.union([propText, z.number().finite(), z.boolean()]);
const props = z
  .record(propKey, propValue)
  .refine((value) => Object.keys(value).length <= 16, { message: 'at most 16 properties' });

/**
 * The transport numbers the negotiations of one connection with a counter (each relay fallback and
 * each ICE restart is the next attempt; its MAX_ATTEMPT is the same bound) and names each
 * attempt's kind in `via` (direct, TURN relay-only, or this lobby's relay).
 */
const attemptNumber = z.number().int().min(0).max(255);
const negotiationAttempt = attemptNumber.optional();
const attemptKind = z.enum(['direct', 'turn', 'ws-relay']).optional();

export const signalDataSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('description'),
    type: z.enum(['offer', 'answer']),
    sdp: z.string().min(1).max(16_384),
    attempt: negotiationAttempt,
    via: attemptKind,
  }),
  z.object({
    kind: z.literal('candidate'),
    candidate: z.string().max(1_024),
    mid: z.string().max(64),
    attempt: negotiationAttempt,
    via: attemptKind,
  }),
  // The answerer found the open path broken and asks the offerer for an ICE restart.
  z.object({ kind: z.literal('restart'), attempt: attemptNumber }),
  // The answerer reached no STUN/TURN server over UDP and cannot relay over TCP (a Node peer on a
  // UDP-blocked network): a hint that lets the offerer skip TURN for the lobby relay.
  z.object({ kind: z.literal('udp-blocked'), attempt: attemptNumber }),
  z.object({ kind: z.literal('bye'), reason: z.string().max(128).optional() }),
]);

const msg = <K extends string, S extends z.ZodRawShape>(t: K, shape: S) =>
  z.object({ t: z.literal(t), id: requestId, ...shape });

export const clientMessageSchema = z.discriminatedUnion('t', [
  msg(T.Hello, {
    v: z.number().int(),
    resume: z.string().max(256).optional(),
    auth: z.string().max(4_096).optional(),
    name: name.optional(),
    role: z.enum(['player', 'server']).optional(),
    serverKey: z.string().max(256).optional(),
  }),
  msg(T.Ping, {}),
  msg(T.RoomCreate, {
    mode,
    maxPlayers: z.number().int().min(1).max(64),
    public: z.boolean(),
    props: props.optional(),
  }),
  msg(T.RoomJoin, {
    roomId: idString.optional(),
    code: z
      .string()
      .min(4)
      .max(12)
      .regex(/^[A-Za-z0-9]+$/)
      .optional(),
  }),
  msg(T.RoomLeave, {}),
  msg(T.RoomList, {
    mode: mode.optional(),
    props: props.optional(),
    notFull: z.boolean().optional(),
    includeUnavailable: z.boolean().optional(),
    limit: z.number().int().min(1).max(100).optional(),
    /** `next` of the previous page (rooms/listing.ts checks its shape). */
    cursor: z.string().max(80).optional(),
  }),
  msg(T.RoomKick, { playerId: idString }),
  msg(T.Signal, { to: idString, data: signalDataSchema }),
  msg(T.TurnRefresh, {}),
  msg(T.QueueJoin, {
    mode,
    regions: z
      .array(z.object({ region, rttMs: z.number().finite().min(0).max(60_000) }))
      .max(16)
      .optional(),
    rating: z.number().finite().min(0).max(100_000).optional(),
  }),
  msg(T.QueueLeave, {}),
  msg(T.MatchAccept, { matchId: idString }),
  msg(T.MatchDecline, { matchId: idString }),
  msg(T.ServerRegister, {
    region,
    address: z.string().min(1).max(256),
    capacity: z.number().int().min(1).max(100_000),
    modes: z.array(mode).max(32).optional(),
  }),
  msg(T.ServerHeartbeat, { load: z.number().int().min(0).max(100_000).optional() }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type SignalData = z.infer<typeof signalDataSchema>;
/** The client message of one type, e.g. `ClientMessageOf<'room.create'>`. */
export type ClientMessageOf<K extends ClientMessage['t']> = Extract<ClientMessage, { t: K }>;
