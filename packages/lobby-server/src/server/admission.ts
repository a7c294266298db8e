// Connection-level admission: counts open TCP sockets per client address and in total, and turns
// away the ones over the limits the moment they are accepted, before Node allocates an HTTP parser
// or reads a byte. Without it one address could hold thousands of silent sockets and use up the
// process's file descriptors, so `/healthz` and real players could no longer connect. It must
// never block or delay an admitted socket, and must never count a socket twice or forget one.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey } from './address-key.js';

export const SocketRefusal = {
  /** The address already holds `socketsPerIp` open sockets. */
  PerAddress: 'per_address',
  /** The process already holds `maxSockets` open sockets (refused by Node itself, `drop`). */
  Global: 'global',
} as const;
export type SocketRefusal = (typeof SocketRefusal)[keyof typeof SocketRefusal];

export interface AdmissionLimits {
  /** Open sockets per address key; 0 = no per-address cap (behind a proxy every socket is its). */
  readonly perAddress: number;
  /** Open sockets in total. */
  readonly total: number;
}

export class SocketAdmission {
  private readonly open = new Map<string, number>();
  private admitted = 0;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly refused: (reason: SocketRefusal) => void,
  ) {}

  /** Sockets admitted and still open. */
  get openSockets(): number {
    return this.admitted;
  }

  /** Addresses holding at least one socket (bounded by the open sockets). */
  get addresses(): number {
    return this.open.size;
  }

  /** Runs ahead of the HTTP server's own connection handling. */
  install(server: Server): void {
    // Node drops sockets over maxConnections before JS sees them: the cheapest global refusal.
    server.maxConnections = this.limits.total;
    server.on('drop', () => this.refused(SocketRefusal.Global));
    server.prependListener('connection', (socket: Socket) => this.admit(socket));
  }

  private admit(socket: Socket): void {
    const key = addressKey(socket.remoteAddress ?? 'unknown');
    const count = this.open.get(key) ?? 0;
    if (this.limits.perAddress > 0 && count >= this.limits.perAddress) {
      this.refused(SocketRefusal.PerAddress);
      // A reset, not a FIN: the server keeps no TIME_WAIT state for a socket it never wanted.
      socket.resetAndDestroy();
      return;
    }
    this.open.set(key, count + 1);
    this.admitted += 1;
    socket.once('close', () => {
      this.admitted -= 1;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    });
  }
}
