// Remote ICE candidates that cannot be added yet: those of the current attempt that arrive before
// its remote description (trickle ICE races the offer/answer), and those of a later attempt whose
// relay-fallback offer is still on the way (signalers may reorder across message kinds). Both
// queues are bounded, so a peer flooding candidates cannot grow memory.

export interface RemoteCandidate {
  candidate: string;
  mid: string;
}

const MAX_QUEUED = 256;
const RELAY_CANDIDATE = /\styp\s+relay(\s|$)/;

/**
 * Whether a relay-only attempt may add this remote candidate. libjuice (node-datachannel's ICE
 * agent) does not apply iceTransportPolicy to its own agent: libdatachannel only stops signaling
 * non-relay local candidates, while the agent still checks from its host socket. A non-relay
 * remote candidate makes that agent create a TURN permission for the candidate's address, and the
 * peer's host socket then reaches our relay and is answered directly: a host/srflx/prflx pair in
 * an attempt that exists because the direct path failed (seen 3 in 12 runs of the overtaking-
 * candidate test on loopback). With only relay candidates, permissions name TURN addresses only.
 */
export function admitsInRelayOnly(candidate: string): boolean {
  return RELAY_CANDIDATE.test(candidate);
}

export class CandidateQueues {
  private readonly pending: RemoteCandidate[] = [];
  private readonly early: (RemoteCandidate & { attempt: number })[] = [];

  /** Holds a candidate of the current attempt until its remote description is set. */
  hold(candidate: RemoteCandidate): void {
    if (this.pending.length < MAX_QUEUED)
      this.pending.push({ candidate: candidate.candidate, mid: candidate.mid });
  }

  /** Holds a candidate of a later attempt until that attempt's offer arrives. */
  holdEarly(attempt: number, candidate: RemoteCandidate): void {
    if (this.early.length < MAX_QUEUED)
      this.early.push({ attempt, candidate: candidate.candidate, mid: candidate.mid });
  }

  /** The held candidates of the current attempt, oldest first; the queue is empty afterwards. */
  release(): RemoteCandidate[] {
    return this.pending.splice(0);
  }

  /** A new attempt starts: the old attempt's held candidates are useless. */
  reset(): void {
    this.pending.length = 0;
  }

  /** The answerer follows the offerer to `attempt`: what came early for it is held for it now. */
  promote(attempt: number): void {
    for (const c of this.early.splice(0)) if (c.attempt === attempt) this.hold(c);
  }
}
