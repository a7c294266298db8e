// Fast-retransmit probes for the reliable channel. SCTP repairs a lost DATA chunk either by fast
// retransmit, once three SACKs have reported the gap, or by its retransmission timer (libdatachannel
// leaves usrsctp's minimum RTO at 200 ms+, and node-datachannel 0.33 exposes no RTO setting). SACKs
// are only sent when later packets arrive, so on a 60 Hz game link the gap is reported by the next
// three ticks' packets: a lost reliable event waits ~3 ticks plus a round trip, and more when traffic
// is sparse. A few tiny unreliable frames a couple of ms after each reliable send share the
// association's TSN space, so the receiver's SACKs report the gap within a few ms and the sender
// retransmits at once. Measured by `pnpm bench loss` (BENCHMARKS.md, tickwire-reliable-tuned).
//
// The cost is `count` small packets (~60 B on the wire each) after a burst of reliable sends:
// a new reliable send during a series restarts it, so a burst is followed by one series, not one
// per message. More or faster probes are not better: probes share SCTP's congestion window with
// everything else, and 4 probes 1 ms apart made a 60 Hz reliable stream fall behind at 20 % loss in
// the bench's sweep (p99 over 2 s, where 3 probes 2 ms apart gave ~0.2 s).
import { TransportError } from '../errors.js';

export interface LossProbeOptions {
  /** Probe frames after the last reliable send of a burst (default 3: SCTP's fast-retransmit threshold). */
  count?: number;
  /** Gap between probes, ms (default 2). */
  gapMs?: number;
}

const MAX_PROBES = 16;
const MAX_GAP_MS = 1000;

export const DEFAULT_LOSS_PROBES: Required<LossProbeOptions> = { count: 3, gapMs: 2 };

export class LossProber {
  private left = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly count: number;
  private readonly gapMs: number;

  constructor(
    options: LossProbeOptions,
    /** Sends one probe; false when it could not be sent (the series ends). */
    private readonly sendProbe: () => boolean,
  ) {
    this.count = options.count ?? DEFAULT_LOSS_PROBES.count;
    this.gapMs = options.gapMs ?? DEFAULT_LOSS_PROBES.gapMs;
    if (!Number.isInteger(this.count) || this.count < 1 || this.count > MAX_PROBES) {
      throw new TransportError(
        'INVALID_OPTIONS',
        `reliableLossProbes.count must be an integer 1-${MAX_PROBES}`,
        {
          details: { count: this.count },
        },
      );
    }
    if (!Number.isFinite(this.gapMs) || this.gapMs < 0 || this.gapMs > MAX_GAP_MS) {
      throw new TransportError('INVALID_OPTIONS', `reliableLossProbes.gapMs must be 0-${MAX_GAP_MS}`, {
        details: { gapMs: this.gapMs },
      });
    }
  }

  /** A reliable message was handed to the channel: (re)start the series after it. */
  onReliableSend(): void {
    this.left = this.count;
    if (this.timer === undefined && this.left > 0) this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.left = 0;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.fire(), this.gapMs);
    // A pending probe must not keep a process alive that has nothing else to do.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private fire(): void {
    this.timer = undefined;
    if (this.left <= 0) return;
    this.left -= 1;
    if (!this.sendProbe()) {
      this.left = 0;
      return;
    }
    if (this.left > 0) this.schedule();
  }
}
