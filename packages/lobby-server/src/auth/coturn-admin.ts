// Ends a lobby session's TURN allocations in coturn when its game is over. coturn checks a
// credential only when an allocation is made or refreshed: expiring the short-lived password does
// not end an allocation that already exists (it lives until its lifetime, up to 10 min, runs out,
// and is refreshed all that time by a client that still holds it). So the lobby asks coturn itself,
// over coturn's admin CLI (telnet; `cli-password`, listening on loopback only), to list the
// sessions whose TURN username is `<expiry>:<session id>` (`psp`) and cancel each (`cs <id>`).
// Node only (a TCP socket). Every step has a timeout; it never throws into the lobby's room code:
// the caller gets a typed LobbyError and logs it.
import { connect, type Socket } from 'node:net';
import { LobbyError } from '../errors.js';

export interface CoturnAdminOptions {
  /** coturn's `cli-ip` (default 127.0.0.1) and `cli-port` (coturn's default 5766). */
  readonly host?: string;
  readonly port: number;
  /** coturn's `cli-password`. */
  readonly password: string;
  /** Per step: connect, log in, each command (default 5000 ms). */
  readonly timeoutMs?: number;
}

const PROMPT = '> ';
const PASSWORD_PROMPT = 'Enter password: ';
/** A session line of `ps`/`psp`: `    1) id=001000000000000001, user <1733300000:abc>:`. */
const SESSION_LINE = /id=(\d+), user <([^>\r\n]*)>/g;

/** One CLI conversation: waits for the prompt after each command and returns what came before it. */
class CliConversation {
  private buffer = '';
  private waiter: { marker: string; resolve: (text: string) => void } | undefined;
  private failure: Error | undefined;
  private readonly onFail: ((error: Error) => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.check();
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const f of this.onFail.splice(0)) f(this.failure);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('coturn CLI closed the connection')));
  }

  /** Resolves with the text up to `marker` (consumed), rejects on timeout or a closed socket. */
  until(marker: string, step: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new LobbyError('internal', `coturn CLI: no answer to ${step} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const settle = (text: string) => {
        clearTimeout(timer);
        resolve(text);
      };
      this.onFail.push((error) => {
        clearTimeout(timer);
        reject(new LobbyError('internal', `coturn CLI: ${step} failed: ${error.message}`, { cause: error }));
      });
      if (this.failure) {
        this.onFail.splice(0).forEach((f) => f(this.failure!));
        return;
      }
      this.waiter = { marker, resolve: settle };
      this.check();
    });
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.until(PROMPT, `"${line.split(' ')[0]}"`);
  }

  private check(): void {
    if (!this.waiter) return;
    const at = this.buffer.indexOf(this.waiter.marker);
    if (at < 0) return;
    const text = this.buffer.slice(0, at);
    this.buffer = this.buffer.slice(at + this.waiter.marker.length);
    const { resolve } = this.waiter;
    this.waiter = undefined;
    this.onFail.length = 0;
    resolve(text);
  }
}

export class CoturnAdmin {
  constructor(private readonly options: CoturnAdminOptions) {}

  /**
   * Cancels every coturn session (allocation) whose TURN username was minted for one of
   * `sessionIds` (`<expiry>:<session id>`, createTurnCredentials). Resolves with how many it
   * cancelled; rejects with LobbyError 'internal' when coturn cannot be reached or does not answer.
   */
  async endSessionsOf(sessionIds: readonly string[]): Promise<number> {
    if (sessionIds.length === 0) return 0;
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const socket = connect({ host: this.options.host ?? '127.0.0.1', port: this.options.port });
    socket.setNoDelay(true);
    const cli = new CliConversation(socket, timeoutMs);
    try {
      await cli.until(PASSWORD_PROMPT, 'login');
      socket.write(`${this.options.password}\r\n`);
      const login = await cli.until(PROMPT, 'login');
      if (/wrong|incorrect|denied/i.test(login))
        throw new LobbyError('internal', 'coturn CLI refused the password');
      const wanted = new Set(sessionIds);
      let cancelled = 0;
      for (const sessionId of wanted) {
        // `psp` matches part of the username; only exact `<expiry>:<session id>` users are cancelled.
        const listing = await cli.command(`psp :${sessionId}`);
        for (const [, id, user] of listing.matchAll(SESSION_LINE)) {
          const owner = user!.slice(user!.indexOf(':') + 1);
          if (owner !== sessionId || !wanted.has(owner)) continue;
          await cli.command(`cs ${id}`);
          cancelled++;
        }
      }
      socket.write('quit\r\n');
      return cancelled;
    } finally {
      socket.end();
      socket.destroy();
    }
  }
}
