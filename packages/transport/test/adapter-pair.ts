// Two RtcPeers of one adapter wired to each other directly (no Connection, no signaler): the
// offerer's description goes to the answerer, which answers; candidates cross as they come. What
// each side did is logged in order (`<side>:candidate-sent`, `<side>:ice-<state>`) with the
// descriptions as sent, for tests about the adapter's own ordering (answer-hold, offer-role).
import type { RtcAdapter, RtcPeer, RtcPeerConfig } from '../src/rtc/adapter.js';
import { onCleanup } from './helpers.js';

export type Side = 'offerer' | 'answerer';

export interface AdapterPairRun {
  readonly log: string[];
  readonly sdps: Partial<Record<'offer' | 'answer', string>>;
}

/** Opens one offerer → answerer pair (one pre-negotiated channel each) and resolves once both are open. */
export async function openAdapterPair(
  adapter: RtcAdapter,
  config: (side: Side) => RtcPeerConfig,
): Promise<AdapterPairRun> {
  const log: string[] = [];
  const sdps: AdapterPairRun['sdps'] = {};
  const peers: Partial<Record<Side, RtcPeer>> = {};
  const opened: Promise<void>[] = [];
  const make = (name: Side, other: Side) => {
    let open!: () => void;
    opened.push(new Promise<void>((resolve) => (open = resolve)));
    const peer = adapter.createPeer(config(name), {
      onLocalDescription: (type, sdp) => {
        sdps[type] = sdp;
        const to = peers[other]!;
        void to
          .setRemoteDescription(type, sdp)
          .then(() => (type === 'offer' ? to.setLocalDescription('answer') : undefined));
      },
      onLocalCandidate: (candidate, mid) => {
        log.push(`${name}:candidate-sent`);
        void peers[other]!.addRemoteCandidate(candidate, mid);
      },
      onStateChange: () => {},
      onIceStateChange: (state) => log.push(`${name}:ice-${state}`),
    });
    peer.createChannel(
      { label: 'c', id: 0, ordered: true },
      {
        onOpen: open,
        onMessage: () => {},
        onClose: () => {},
        onError: () => {},
        onBufferedAmountLow: () => {},
      },
    );
    onCleanup(() => peer.close());
    peers[name] = peer;
  };
  make('offerer', 'answerer');
  make('answerer', 'offerer');
  await peers.offerer!.setLocalDescription('offer');
  await Promise.all(opened);
  return { log, sdps };
}

/** Where in the log a side's ICE agent first reported connected (or completed); -1 if never. */
export function iceConnectedAt(log: readonly string[], side: Side): number {
  return log.findIndex((e) => e === `${side}:ice-connected` || e === `${side}:ice-completed`);
}
