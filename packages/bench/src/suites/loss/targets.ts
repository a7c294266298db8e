// The loss targets as result rows, every one a ratio or difference within the same run:
// at 5 % loss tickwire-unreliable p99 <= 0.5x ws and within one tick (16.7 ms) of its own
// loss-free p99; tuned tickwire-reliable (loss probes on) p99 <= ws p99 (also shown: SCTP settings alone);
// at 20 % tickwire-unreliable p99 < 100 ms.
import type { BenchResult } from '../../result/types.js';
import type { StalenessResult } from '../../stats/staleness.js';

export function targetRows(results: ReadonlyMap<string, StalenessResult>): {
  rows: BenchResult[];
  verdicts: string[];
} {
  const rows: BenchResult[] = [];
  const verdicts: string[] = [];
  const p99 = (name: string): number | undefined => results.get(name)?.p99Ms;
  const twU5 = p99('tickwire-unreliable@5%');
  const ws5 = p99('ws@5%');
  const twU0 = p99('tickwire-unreliable@0%');
  const twU20 = p99('tickwire-unreliable@20%');
  const ws20 = p99('ws@20%');
  if (twU5 !== undefined && ws5 !== undefined) {
    const ratio = twU5 / ws5;
    rows.push({ name: 'tickwire-unreliable@5%', metric: 'p99_ratio_vs_ws', value: ratio, unit: 'ratio' });
    verdicts.push(
      `target tickwire-unreliable p99 <= 0.5x ws at 5%: ${ratio.toFixed(2)}x -> ${ratio <= 0.5 ? 'met' : 'missed'}`,
    );
  }
  if (twU5 !== undefined && twU0 !== undefined) {
    const delta = twU5 - twU0;
    rows.push({ name: 'tickwire-unreliable@5%', metric: 'p99_minus_lossfree_ms', value: delta, unit: 'ms' });
    verdicts.push(
      `target tickwire-unreliable p99 at 5% within 16.7 ms of its 0% p99: +${delta.toFixed(1)} ms -> ${delta <= 1000 / 60 ? 'met' : 'missed'}`,
    );
  }
  for (const reliable of ['tickwire-reliable', 'tickwire-reliable-tuned', 'tickwire-reliable-sctp']) {
    const r5 = p99(`${reliable}@5%`);
    if (r5 === undefined || ws5 === undefined) continue;
    const ratio = r5 / ws5;
    rows.push({ name: `${reliable}@5%`, metric: 'p99_ratio_vs_ws', value: ratio, unit: 'ratio' });
    if (reliable === 'tickwire-reliable-tuned') {
      verdicts.push(
        `target ${reliable} p99 <= ws p99 at 5%: ${ratio.toFixed(2)}x -> ${ratio <= 1 ? 'met' : 'missed'}`,
      );
    }
  }
  if (twU20 !== undefined) {
    verdicts.push(
      `target tickwire-unreliable p99 < 100 ms at 20%: ${twU20.toFixed(1)} ms -> ${twU20 < 100 ? 'met' : 'missed'}` +
        (ws20 !== undefined ? ` (ws: ${ws20.toFixed(0)} ms)` : ''),
    );
  }
  return { rows, verdicts };
}
