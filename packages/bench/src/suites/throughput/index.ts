// throughput suite: how much a tickwire connection carries compared with raw node-datachannel,
// per channel kind and message size (cross-process, loopback), and the offered rate at which
// tickwire's unreliable channel starts dropping sends under backpressure (its high-water mark).
// Contenders alternate round by round; rates are medians over rounds, measured at the receiver.
import type { Chart } from '../../report/chart-types.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import { spawnWorker } from '../../ipc/spawn.js';
import type { WorkerHandle } from '../../ipc/spawn.js';
import { createPeer } from '../../peers/factory.js';
import type { PeerImpl } from '../../peers/factory.js';
import { releaseNative } from '../../peers/native.js';
import type { ChannelKind, MessagePeer } from '../../peers/types.js';
import { percentile } from '../../stats/percentile.js';
import { blast, waitDrained } from './senders.js';
import { rampUntilDrops } from './ramp.js';
import type { SinkCounts } from './sink-worker.js';

const CASES: Array<{ kind: ChannelKind; size: number }> = [
  { kind: 'unreliable', size: 64 },
  { kind: 'unreliable', size: 256 },
  { kind: 'unreliable', size: 1024 },
  { kind: 'reliable', size: 64 },
  { kind: 'reliable', size: 1024 },
  { kind: 'reliable', size: 16_384 },
];
/** Send-buffer caps for `blast`: below tickwire's unreliable high-water mark (64 KiB), so nothing is dropped by policy. */
const CAP: Record<ChannelKind, number> = { unreliable: 32 * 1024, reliable: 512 * 1024 };

interface Sample {
  msgsPerSec: number;
  delivered: number;
}

async function measure(
  worker: WorkerHandle,
  conn: string,
  peer: MessagePeer,
  kind: ChannelKind,
  size: number,
  ms: number,
): Promise<Sample> {
  await worker.ipc.request('reset', { conn });
  const tally = await blast(peer, kind, size, ms, CAP[kind]);
  await waitDrained(peer, kind);
  const counts = await worker.ipc.request<SinkCounts>('counts', { conn, kind });
  const window = counts.lastAt - counts.firstAt;
  return {
    msgsPerSec: counts.messages > 1 && window > 0 ? ((counts.messages - 1) / window) * 1000 : 0,
    delivered: tally.sent > 0 ? counts.messages / tally.sent : 0,
  };
}

export async function runThroughputSuite(options: SuiteOptions): Promise<SuiteOutput> {
  const rounds = options.quick ? 1 : 3;
  const ms = options.quick ? 400 : 1500;
  const worker = await spawnWorker(new URL('./sink-worker.js', import.meta.url));
  const peers = new Map<PeerImpl, MessagePeer>();
  try {
    for (const impl of ['ndc', 'tickwire'] as const) {
      const conn = `tp-${impl}`;
      const peer = await createPeer(impl, {
        role: 'offerer',
        signaler: worker.ipc.signaler(conn),
        label: conn,
      });
      peers.set(impl, peer);
      await Promise.all([worker.ipc.request('peer', { conn, impl }), peer.opened]);
    }
    const results: BenchResult[] = [];
    const bars: Chart = {
      kind: 'bar',
      title: 'Throughput on loopback (median of rounds)',
      yLabel: 'MB/s',
      groups: [],
    };
    const rampSizes = [256, 1024];
    const totalSteps = CASES.length * rounds * 2 + rampSizes.length;
    let done = 0;
    for (const { kind, size } of CASES) {
      const samples = new Map<PeerImpl, Sample[]>([
        ['ndc', []],
        ['tickwire', []],
      ]);
      for (let round = 0; round < rounds; round++) {
        const order: PeerImpl[] = round % 2 === 0 ? ['ndc', 'tickwire'] : ['tickwire', 'ndc'];
        for (const impl of order) {
          samples
            .get(impl)
            ?.push(await measure(worker, `tp-${impl}`, peers.get(impl) as MessagePeer, kind, size, ms));
          options.onProgress?.(++done / totalSteps);
        }
      }
      const group = { label: `${kind} ${size} B`, values: [] as Array<{ series: string; value: number }> };
      const medians = new Map<PeerImpl, number>();
      for (const [impl, list] of samples) {
        const name = `${impl}-${kind}@${size}B`;
        const rate = percentile(
          list.map((s) => s.msgsPerSec),
          0.5,
        );
        medians.set(impl, rate);
        results.push(
          { name, metric: 'msgs_per_s', value: rate, unit: 'msgs/s' },
          { name, metric: 'mb_per_s', value: (rate * size) / 1e6, unit: 'MB/s' },
        );
        if (kind === 'unreliable')
          results.push({
            name,
            metric: 'delivered_fraction',
            value: percentile(
              list.map((s) => s.delivered),
              0.5,
            ),
            unit: 'fraction',
          });
        group.values.push({ series: impl, value: (rate * size) / 1e6 });
      }
      const ndcRate = medians.get('ndc') ?? 0;
      if (ndcRate > 0)
        results.push({
          name: `tickwire-${kind}@${size}B`,
          metric: 'ratio_vs_ndc',
          value: (medians.get('tickwire') ?? 0) / ndcRate,
          unit: 'ratio',
        });
      bars.groups.push(group);
    }
    const ramp = await rampUntilDrops(
      worker,
      'tp-tickwire',
      peers.get('tickwire') as MessagePeer,
      rampSizes,
      options.quick,
      () => options.onProgress?.(++done / totalSteps),
    );
    results.push(...ramp.results);
    return {
      results,
      charts: [bars, ramp.chart],
      notes: [
        `Sender in this process, receiver in a child process, loopback; ${rounds} round(s) of ${ms} ms per case, contenders alternating; rates counted at the receiver between its first and last arrival.`,
        `The sender keeps bufferedAmount under ${CAP.unreliable / 1024} KiB (unreliable) / ${CAP.reliable / 1024} KiB (reliable), checked every ~8 KiB sent, so tickwire's 64 KiB unreliable high-water mark drops nothing here; tickwire sends bytes with sendRaw (no msgpack).`,
        ...ramp.notes,
        'Raw node-datachannel has no drop policy: past the link rate its buffer (and latency) grows without bound, which is what the tickwire high-water mark prevents.',
      ],
    };
  } finally {
    for (const peer of peers.values()) peer.close();
    await worker.stop();
    await releaseNative();
  }
}
