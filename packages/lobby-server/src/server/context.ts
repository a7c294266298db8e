// Everything a lobby service needs, in one object built at startup: config, state backend, the
// hub that reaches sessions, logger, metrics and the join-token signer. Services get it injected
// and hold no other global state, so two lobbies can run side by side in one test process.
import type { Logger } from 'pino';
import type { CoturnAdmin } from '../auth/coturn-admin.js';
import type { JoinSigner } from '../auth/join-keys.js';
import type { IdentityVerifier } from '../auth/identity.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { LobbyMetrics } from '../metrics/metrics.js';
import type { Bus, Store } from '../store/types.js';
import type { Hub } from './hub.js';

export interface LobbyContext {
  readonly config: ResolvedConfig;
  readonly nodeId: string;
  readonly store: Store;
  readonly bus: Bus;
  readonly hub: Hub;
  readonly log: Logger;
  readonly metrics: LobbyMetrics;
  readonly joinSigner: JoinSigner;
  readonly identity: IdentityVerifier | undefined;
  /** coturn's admin CLI, when configured: ends a player's TURN allocations when it leaves its room. */
  readonly turnAdmin: CoturnAdmin | undefined;
  now(): number;
}
