// A tickwire connection behind the bench's MessagePeer interface. Bytes go through `sendRaw`, so
// the measured cost is the transport's framing, sequencing, stats and backpressure — not msgpack
// encoding of a value the raw baselines never pay for.
import { connect } from '@tickwire/transport';
import type { Connection, ConnectionOptions } from '@tickwire/transport';
import type { Signaler } from '../ipc/signal-types.js';
import type { ChannelKind, MessagePeer } from './types.js';

export interface TickwirePeerOptions extends Omit<ConnectionOptions, 'signaler'> {
  signaler: Signaler;
}

export function wrapConnection(connection: Connection): MessagePeer {
  let handler: (kind: ChannelKind, bytes: Uint8Array) => void = () => undefined;
  connection.on('message', (event) => {
    if (event.raw) handler(event.channel, event.data as Uint8Array);
  });
  return {
    opened: connection.opened,
    send: (kind, bytes) => connection.sendRaw(kind, bytes) !== 'dropped',
    onMessage: (h) => {
      handler = h;
    },
    bufferedAmount: (kind) => connection.bufferedAmount(kind),
    counters: () => {
      const s = connection.stats();
      return {
        unreliableDroppedBackpressure: s.unreliable.droppedBackpressure,
        reliableDroppedBackpressure: s.reliable.droppedBackpressure,
        unreliableDelivered: s.unreliable.delivered,
        unreliableLost: s.unreliable.lost,
        unreliableDiscardedOutOfOrder: s.unreliable.discardedOutOfOrder,
        unreliableDiscardedStale: s.unreliable.discardedStale,
      };
    },
    close: () => connection.close(),
  };
}

export function createTickwirePeer(options: TickwirePeerOptions): MessagePeer {
  return wrapConnection(connect({ ...options, signaler: options.signaler }));
}
