// A second opinion on a page's path, straight from Chromium's own stats: an init script that keeps
// every RTCPeerConnection the page creates, and a reader of the selected candidate pair of the
// newest one still open (after a relay fallback the transport makes a second connection). Tests
// compare it with the transport's `stats().path`. Both are functions playwright serializes into the
// page: they must not close over anything, and the reader never changes a connection.

/** What Chromium's stats say about one candidate of the selected pair. */
export interface ProbedCandidate {
  readonly candidateType: string;
  readonly address: string;
  readonly port: number;
  /** Local candidates of type relay: how this side reaches TURN ('udp' | 'tcp' | 'tls'). */
  readonly relayProtocol?: string;
}

export interface ProbedPair {
  readonly local: ProbedCandidate;
  readonly remote: ProbedCandidate;
}

/** For `page.addInitScript`: runs before the page's own scripts. */
export function recordPeerConnections(): void {
  const Native = globalThis.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  // The transport writes `new RTCPeerConnection(...)`, which resolves the global at call time.
  globalThis.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
    }
  };
  (globalThis as { tickwirePeerConnections?: RTCPeerConnection[] }).tickwirePeerConnections = made;
}

/** For `page.evaluate`: the selected pair of the newest open connection, or null. */
export async function readSelectedPair(): Promise<ProbedPair | null> {
  const made = (globalThis as { tickwirePeerConnections?: RTCPeerConnection[] }).tickwirePeerConnections;
  const pc = [...(made ?? [])].reverse().find((c) => c.connectionState !== 'closed');
  if (!pc) return null;
  const stats = new Map<string, Record<string, unknown>>();
  (await pc.getStats()).forEach((stat: Record<string, unknown>) => stats.set(String(stat['id']), stat));
  const all = [...stats.values()];
  const pairId = all.find((s) => s['type'] === 'transport')?.['selectedCandidatePairId'];
  const pair =
    (typeof pairId === 'string' ? stats.get(pairId) : undefined) ??
    all.find((s) => s['type'] === 'candidate-pair' && s['nominated'] === true && s['state'] === 'succeeded');
  const candidate = (id: unknown): ProbedCandidate | null => {
    const stat = typeof id === 'string' ? stats.get(id) : undefined;
    if (!stat) return null;
    const relayProtocol = stat['relayProtocol'];
    return {
      candidateType: String(stat['candidateType']),
      address: String(stat['address'] ?? stat['ip']),
      port: Number(stat['port']),
      ...(typeof relayProtocol === 'string' ? { relayProtocol } : {}),
    };
  };
  const local = candidate(pair?.['localCandidateId']);
  const remote = candidate(pair?.['remoteCandidateId']);
  return local && remote ? { local, remote } : null;
}
