// @tickwire/transport, Node entry: node-datachannel underneath.
import { TickwireConnection } from './connection/connection.js';
import type { Connection, ConnectionOptions } from './connection/types.js';
import { nodeAdapter } from './rtc/node-adapter.js';

// api.ts is the curated list of what is public on every platform; each entry adds its `connect`.
export * from './api.js';
export { Authority } from './authority.js';
export type { AuthorityOptions } from './authority.js';
export { openNativePeerCount, setNativeAutoCleanup } from './rtc/native-lifetime.js';

/** Opens a connection to one remote peer; await `connection.opened` before sending. */
export function connect(options: ConnectionOptions): Connection {
  return new TickwireConnection(options, nodeAdapter);
}

export const platform = 'node' as const;
