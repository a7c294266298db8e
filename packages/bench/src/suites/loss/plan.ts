// Which streams, SCTP settings and loss rates the loss suite runs.
//
// SCTP tuning: node-datachannel 0.33.4's setSctpSettings passes only six of libdatachannel's
// settings (buffers, maxChunksOnQueue, initialCongestionWindow, congestionControlModule,
// delayedSackTime). The retransmission timeouts (minRetransmitTimeout, 200 ms by default) exist in
// libdatachannel but are not read by the binding. Either way the reliable channel's stall after a
// loss at 60 Hz is set by SCTP fast retransmit: three later packets must report the gap, i.e.
// three ticks (50 ms) plus a round trip. The remedy that needs no new settings is the transport's
// `reliableLossProbes` (a few tiny unreliable frames right after each reliable send on the same
// connection): `tickwire-reliable-tuned` is tickwire's reliable channel with it on. `-sctp` streams
// show the best setSctpSettings alone; the sweep shows the rest.
import type { LossProbeOptions } from '@tickwire/transport';
import type { SctpSettings } from 'node-datachannel';
import type { GroupSpec } from './group.js';
import type { StreamSpec } from './streams.js';

export const RTT_MS = 40;

export interface ReliableVariant {
  sctp?: SctpSettings;
  lossProbes?: Required<LossProbeOptions>;
}

/**
 * Swept at `sweepAt` loss rates, each as `tickwire-reliable-<variant>` in its own processes, in
 * batches next to a control stream with default settings (so every effect is a same-run ratio).
 */
export const RELIABLE_VARIANTS: Record<string, ReliableVariant> = {
  sack0: { sctp: { delayedSackTime: 0 } },
  sack5: { sctp: { delayedSackTime: 5 } },
  htcp: { sctp: { congestionControlModule: 2 } },
  rtcc: { sctp: { congestionControlModule: 3 } },
  'cwnd32-sack0': { sctp: { initialCongestionWindow: 32, delayedSackTime: 0 } },
  probes2x3ms: { lossProbes: { count: 2, gapMs: 3 } },
  probes4x1ms: { lossProbes: { count: 4, gapMs: 1 } },
};

/** The setSctpSettings the `-sctp` streams use (the sweep found no setting that beats the defaults). */
export const TUNED_SCTP: SctpSettings = { delayedSackTime: 0 };
/** The transport's loss probes in the `tickwire-reliable-tuned` stream (its defaults: 3, 2 ms apart). */
export const TUNED_PROBES = { count: 3, gapMs: 2 } as const;

export interface LossPlan {
  lossPercents: number[];
  warmMs: number;
  measureMs: number;
  /** Loss rates at which every reliable variant is swept (in phases of their own). */
  sweepAt: number[];
  sweepMeasureMs: number;
}

export const FULL_PLAN: LossPlan = {
  lossPercents: [0, 1, 5, 10, 20],
  warmMs: 3000,
  measureMs: 30_000,
  sweepAt: [5, 20],
  sweepMeasureMs: 20_000,
};
export const QUICK_PLAN: LossPlan = {
  lossPercents: [0, 5, 20],
  warmMs: 1000,
  measureMs: 5000,
  sweepAt: [],
  sweepMeasureMs: 0,
};

/** Variants per sweep batch: few processes at a time, so the sweep's own load stays small. */
export const SWEEP_BATCH = 3;

const reliable = (name: string, impl: 'tickwire' | 'ndc', extra: Partial<StreamSpec> = {}): StreamSpec => ({
  name,
  impl,
  kind: 'reliable',
  ...extra,
});

/** The main phase at every loss rate. */
export function mainGroups(): GroupSpec[] {
  return [
    {
      label: 'defaults',
      streams: [
        { name: 'tickwire-unreliable', impl: 'tickwire', kind: 'unreliable' },
        reliable('tickwire-reliable', 'tickwire'),
        { name: 'ndc-unreliable', impl: 'ndc', kind: 'unreliable' },
        reliable('ndc-reliable', 'ndc'),
        { name: 'ws', impl: 'ws', kind: 'reliable' },
        reliable('tickwire-reliable-tuned', 'tickwire', { lossProbes: TUNED_PROBES }),
      ],
    },
    {
      label: 'sctp',
      sctp: TUNED_SCTP,
      streams: [reliable('tickwire-reliable-sctp', 'tickwire'), reliable('ndc-reliable-sctp', 'ndc')],
    },
  ];
}

/** Sweep phases: each a control group (default settings, stream `control-<k>`) plus a few variants. */
export function sweepBatches(): GroupSpec[][] {
  const entries = Object.entries(RELIABLE_VARIANTS);
  const batches: GroupSpec[][] = [];
  for (let k = 0; k * SWEEP_BATCH < entries.length; k++) {
    const batch: GroupSpec[] = [{ label: `control-${k}`, streams: [reliable(`control-${k}`, 'tickwire')] }];
    for (const [variant, v] of entries.slice(k * SWEEP_BATCH, (k + 1) * SWEEP_BATCH)) {
      batch.push({
        label: variant,
        ...(v.sctp ? { sctp: v.sctp } : {}),
        streams: [
          reliable(
            `tickwire-reliable-${variant}`,
            'tickwire',
            v.lossProbes ? { lossProbes: v.lossProbes } : {},
          ),
        ],
      });
    }
    batches.push(batch);
  }
  return batches;
}
