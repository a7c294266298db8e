// A dedicated game server's side of many connections: every peer it accepts shares one fixed UDP
// port (libdatachannel's ICE UDP mux), so the server deploys behind a single firewall rule.
// Node only: browsers cannot choose their ports.
import { TickwireConnection } from './connection/connection.js';
import type { Connection, ConnectionOptions } from './connection/types.js';
import { TransportError } from './errors.js';
import { nodeAdapter } from './rtc/node-adapter.js';
import type { Signaler } from './signal/signaler.js';

export interface AuthorityOptions extends Omit<
  ConnectionOptions,
  'role' | 'signaler' | 'portRange' | 'udpMux'
> {
  /** The UDP port every peer connection shares. */
  port: number;
  /** Without mux, each peer gets its own port from this range instead (`port` is then ignored). */
  portRange?: { begin: number; end: number };
}

export class Authority {
  private readonly connections = new Set<Connection>();
  private closed = false;

  constructor(private readonly options: AuthorityOptions) {
    if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) {
      throw new TransportError('INVALID_OPTIONS', `authority port must be 1-65535, got ${options.port}`);
    }
  }

  /** Answers one peer's offer arriving through `signaler`. */
  accept(
    signaler: Signaler,
    overrides: Partial<Omit<ConnectionOptions, 'role' | 'signaler'>> = {},
  ): Connection {
    if (this.closed) throw new TransportError('NOT_OPEN', 'authority is closed');
    const { port, portRange, ...rest } = this.options;
    const connection = new TickwireConnection(
      {
        ...rest,
        ...overrides,
        role: 'answerer',
        signaler,
        ...(portRange ? { portRange } : { portRange: { begin: port, end: port }, udpMux: true }),
      },
      nodeAdapter,
    );
    this.connections.add(connection);
    connection.on('close', () => this.connections.delete(connection));
    return connection;
  }

  get size(): number {
    return this.connections.size;
  }

  close(): void {
    this.closed = true;
    for (const connection of [...this.connections]) connection.close();
  }
}
