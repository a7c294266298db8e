// Turns one untrusted WebSocket frame into a validated ClientMessage or a typed LobbyError.
// Must never throw: every failure becomes a value the connection answers with an `error` reply.
import { LobbyError } from '../errors.js';
import { ClientMessageType } from './codes.js';
import { clientMessageSchema } from './schemas.js';
import type { ClientMessage } from './schemas.js';

export type ParseResult =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly error: LobbyError; readonly re?: number };

const knownTypes = new Set<string>(Object.values(ClientMessageType));

function requestIdOf(value: Record<string, unknown>): number | undefined {
  const id = value['id'];
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < 2 ** 31 ? id : undefined;
}

export function parseClientMessage(
  data: string | Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
): ParseResult {
  if (isBinary) {
    return { ok: false, error: new LobbyError('bad_request', 'binary frames are not part of the protocol') };
  }
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : '';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return { ok: false, error: new LobbyError('bad_request', 'message is not valid JSON', { cause }) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: new LobbyError('bad_request', 'message must be a JSON object') };
  }
  const record = value as Record<string, unknown>;
  const re = requestIdOf(record);
  const type = record['t'];
  if (typeof type !== 'string') {
    return { ok: false, re, error: new LobbyError('bad_request', 'message has no string field "t"') };
  }
  if (!knownTypes.has(type)) {
    return {
      ok: false,
      re,
      error: new LobbyError('unknown_type', `unknown message type "${type.slice(0, 40)}"`),
    };
  }
  const parsed = clientMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    return {
      ok: false,
      re,
      error: new LobbyError('bad_request', `invalid "${type}" message`, { details: { issues } }),
    };
  }
  return { ok: true, message: parsed.data };
}
