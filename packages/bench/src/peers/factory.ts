// Creates a MessagePeer of either implementation by name, loading tickwire lazily so raw-baseline
// workers never import the transport under test.
import type { ConnectionOptions } from '@tickwire/transport';
import type { Signaler } from '../ipc/signal-types.js';
import { createNdcPeer } from './ndc-peer.js';
import type { MessagePeer } from './types.js';

export type PeerImpl = 'ndc' | 'tickwire';

export interface PeerSetup {
  role: 'offerer' | 'answerer';
  signaler: Signaler;
  label?: string;
  bindAddress?: string;
  /** tickwire only: extra connection options (high-water marks, lateness window, loss probes). */
  tickwire?: Pick<
    ConnectionOptions,
    'unreliableHighWaterMark' | 'reliableHighWaterMark' | 'maxLatenessMs' | 'reliableLossProbes'
  >;
}

export async function createPeer(impl: PeerImpl, setup: PeerSetup): Promise<MessagePeer> {
  switch (impl) {
    case 'ndc':
      return createNdcPeer(setup);
    case 'tickwire': {
      const { createTickwirePeer } = await import('./tickwire-peer.js');
      return createTickwirePeer({
        role: setup.role,
        signaler: setup.signaler,
        ...(setup.label ? { label: setup.label } : {}),
        ...(setup.bindAddress ? { bindAddress: setup.bindAddress } : {}),
        ...setup.tickwire,
      });
    }
  }
}
