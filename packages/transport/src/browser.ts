// @tickwire/transport, browser entry: the native RTCPeerConnection underneath. Must never import
// node-datachannel or any Node module (the bundle test checks).
import { TickwireConnection } from './connection/connection.js';
import type { Connection, ConnectionOptions } from './connection/types.js';
import { browserAdapter } from './rtc/browser-adapter.js';

// api.ts is the curated list of what is public on every platform; each entry adds its `connect`.
export * from './api.js';

/** Opens a connection to one remote peer; await `connection.opened` before sending. */
export function connect(options: ConnectionOptions): Connection {
  return new TickwireConnection(options, browserAdapter);
}

export const platform = 'browser' as const;
