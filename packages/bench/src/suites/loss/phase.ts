// One measured phase of the loss suite: start the groups on a loss-free link, switch the loss on,
// stream, collect, switch it off, stop the groups. Every stream of a phase runs at the same time.
import type { Link } from '@tickwire/netlab';
import type { StalenessResult } from '../../stats/staleness.js';
import { analyzeStream } from './analyze.js';
import { startGroup } from './group.js';
import type { GroupSpec, RunningGroup } from './group.js';

export interface PhaseResult {
  /** `<stream>@<loss>%` -> staleness. */
  streams: Map<string, StalenessResult>;
  /** What the link did: actual drop rate and forwarder timing. */
  linkNote: string;
}

export async function runPhase(
  link: Link,
  specs: readonly GroupSpec[],
  loss: number,
  timing: { warmMs: number; measureMs: number; graceMs: number },
): Promise<PhaseResult> {
  await link.setLoss(0);
  const groups: RunningGroup[] = [];
  try {
    for (const spec of specs) groups.push(await startGroup(link, spec));
    await link.setLoss(loss);
    await link.resetStats();
    const sends = await Promise.all(groups.map((g) => g.stream(timing.warmMs + timing.measureMs)));
    await new Promise((r) => setTimeout(r, timing.graceMs));
    const counters = await link.lossCounters();
    const fwd = await link.stats();
    const arrivals = await Promise.all(groups.map((g) => g.arrivals()));
    await link.setLoss(0);
    const streams = new Map<string, StalenessResult>();
    groups.forEach((group, gi) => {
      for (const spec of group.spec.streams) {
        const send = sends[gi]?.[spec.name];
        if (send)
          streams.set(`${spec.name}@${loss}%`, analyzeStream(send, arrivals[gi]?.[spec.name], timing.warmMs));
      }
    });
    const dropped = counters.aToB.packets + counters.bToA.packets;
    // The forwarder sees every packet; the loss rule drops after it.
    const total = fwd.forwardedAToB + fwd.forwardedBToA;
    const linkNote =
      `router dropped ${dropped} of ${total} packets (${((dropped / Math.max(1, total)) * 100).toFixed(1)} %); ` +
      `forwarder lateness p99 ${(fwd.lateness.p99Us / 1000).toFixed(2)} ms, max ${(fwd.lateness.maxUs / 1000).toFixed(1)} ms` +
      (fwd.realtime ? '' : ' (no real-time scheduling)');
    return { streams, linkNote };
  } finally {
    await link.setLoss(0).catch(() => undefined);
    await Promise.all(groups.map((g) => g.stop()));
  }
}
