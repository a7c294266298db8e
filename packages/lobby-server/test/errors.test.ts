// LobbyError.from, the one normaliser of the lobby's catch blocks: lobby errors pass through as
// they are, anything else is wrapped with a code and keeps the original as its cause.
import { describe, expect, it } from 'vitest';
import { LobbyError, isLobbyError } from '../src/index.js';

describe('LobbyError.from', () => {
  it('passes a LobbyError through unchanged, whatever code is asked for', () => {
    const original = new LobbyError('room_full', 'the room is full', { details: { maxPlayers: 4 } });
    expect(LobbyError.from(original, 'internal', 'internal error')).toBe(original);
  });

  it('wraps an Error as internal by default, keeping its message and the cause', () => {
    const cause = new Error('ECONNREFUSED 127.0.0.1:6379');
    const error = LobbyError.from(cause);
    expect(isLobbyError(error, 'internal')).toBe(true);
    expect(error.message).toBe('ECONNREFUSED 127.0.0.1:6379');
    expect(error.cause).toBe(cause);
  });

  it('takes a code and a replacement message (so internals never reach a client)', () => {
    const error = LobbyError.from(new TypeError('x is undefined'), 'internal', 'internal error');
    expect(error).toMatchObject({ code: 'internal', message: 'internal error', details: {} });
    expect(LobbyError.from('plain string', 'timeout').message).toBe('plain string');
    expect(LobbyError.from(undefined, 'disconnected')).toMatchObject({
      code: 'disconnected',
      message: 'undefined',
    });
  });
});
