// The NAT-matrix page's script: PairSide (../pair-side.ts) in Chromium, bundled by vite with the
// browser build of the transport and the lobby client, exactly as a game's bundler would. It puts
// `natPeer` on the page for the orchestrator (browser-peer.ts) and must never run in Node: it is
// compiled with the package but only ever loaded by the page.
import { PairSide } from '../pair-side.js';
import type { AgentOutcome, PairCommand } from '../pair-side.js';

export interface NatPeerApi {
  pair(command: PairCommand): Promise<AgentOutcome>;
  finish(): boolean;
}

// The machine's wall clock at sub-ms resolution: comparable between two pages on one machine.
const side = new PairSide(() => performance.timeOrigin + performance.now());
const api: NatPeerApi = {
  pair: (command) => side.pair(command),
  finish: () => {
    side.finish();
    return true;
  },
};
(globalThis as { natPeer?: NatPeerApi }).natPeer = api;
