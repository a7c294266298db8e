// State sync over a real lossy, delayed link between network namespaces (tools/netlab: 40 ms RTT
// from a TUN delay forwarder, random loss on the router's forwarding path). The authority and the
// client are separate processes, one per namespace; each records what it did and reports it over
// IPC, and this file compares the records: the client's world equals the authority's at every
// tick it completed, lost snapshots are never resent (deltas keep coming against acked
// baselines), render time never steps back and runs within ±10% of real time, what `sample()`
// renders moves no faster than the entities do (and never backwards), the clock estimate matches
// the authority's real tick clock, and at 20% loss the send rate holds, the client counts the
// ticks it missed and keeps up.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLink, isNetlabSupported, nextMessage, waitForExit } from '@tickwire/netlab';
import type { Link } from '@tickwire/netlab';
import { describe, expect, it } from 'vitest';
import type { ConnectionStats, PeerStats, SyncClientStats } from '../src/index.js';
import { arena as schema } from './fixtures/schema.js';
import { onCleanup } from './helpers.js';
import { is, spawnLabPeers } from './lab-peers.js';
import type { Msg } from './lab-peers.js';
import { expectSameWorld } from './sync-fixtures.js';

const support = isNetlabSupported();
const PEER = fileURLToPath(new URL('./fixtures/sync-peer.mjs', import.meta.url));

const TICK_MS = 1000 / 60;
/** 30 movers in straight lines at `speed` units per tick, 20 static crates, 2 respawns every 0.5 s. */
const SCENARIO = {
  seed: 7,
  movers: 30,
  crates: 20,
  speed: 2,
  pathTicks: 1300,
  churnEvery: 30,
  sampleEvery: 10,
};
const FRAME_MS = 5;
const PHASE_TICKS = 480; // 8 s per phase at 60 Hz
const WARMUP_TICKS = 120; // the clock and RTT estimates settle in the first 2 s
const QUIET_TICKS = 60; // a clock sample counts when the authority's timeline held still this long
const MAX_EXTRAPOLATION_MS = 250; // the receiver's default
/** One position step of the 16-bit grid over 4096 units (twice the quantization error). */
const GRID = 4096 / 65535;

/** [tick, stepHrMs, hash, bytesSent, snapshotsSent, fullSnapshots, divider], cumulative after the step. */
type TickRecord = [number, number, number, number, number, number, number];
type TruthRecord = [number, [number, number, Record<string, unknown>][]];
interface AuthorityReport {
  ticks: TickRecord[];
  truth: TruthRecord[];
  fullSnapshotBytes: number;
  stats: PeerStats;
  errors: string[];
}
interface ClientMark {
  sync: SyncClientStats;
  conn: Pick<ConnectionStats, 'srttMs' | 'lossFraction' | 'unreliable'>;
  renderDelayMs: number;
}
interface ClientReport extends ClientMark {
  /** [tick, arrivalHrMs, hash] per completed snapshot. */
  snapshots: [number, number, number][];
  decoded: { tick: number; ids: number[]; types: number[]; rows: Record<string, unknown>[] }[];
  /**
   * Per frame: [wallMs, renderTick, maxStep (settled), extrapolatedMs, entities, maxStep (edge),
   * shownTick, renderResets, maxBack (any mover, against its heading)].
   */
  samples: [number, number, number, number, number, number, number, number, number][];
  /** [hrMs, estimated server time ms]. */
  clock: [number, number][];
  errors: string[];
}

/**
 * How far two rendered positions of a straight-moving entity may be off their true distance:
 * each coordinate is within half a grid step, and extrapolating h ticks past two snapshots at least
 * one tick apart stretches that error to (1 + 2h) half steps.
 */
const quantizationSlack = (extrapolatedMsA: number, extrapolatedMsB: number): number =>
  Math.SQRT2 * GRID * (1 + (extrapolatedMsA + extrapolatedMsB) / TICK_MS) + 1e-9;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function ask<T>(child: ChildProcess, message: Msg, reply: string, timeoutMs = 15_000): Promise<T> {
  const answer = nextMessage<T>(child, is(reply), timeoutMs);
  child.send(message);
  return answer;
}

/** Starts both peers on either side of the link, relays their signaling, resolves when open. */
async function startPeers(link: Link): Promise<{ authority: ChildProcess; client: ChildProcess }> {
  const { a: authority, b: client, ready: hashes } = await spawnLabPeers(link.a, link.b, PEER);
  expect(hashes.map((m) => m.schemaHash)).toEqual([schema.hash, schema.hash]);
  authority.on('message', (m: Msg) => m.type === 'signal' && client.connected && client.send(m));
  client.on('message', (m: Msg) => m.type === 'signal' && authority.connected && authority.send(m));
  const opened = Promise.all(
    [authority, client].map((c) =>
      nextMessage<Msg>(c, (m) => is('open')(m) || is('failed')(m), 20_000).then((m) => {
        if (m.type === 'failed') throw new Error(`peer did not connect: ${String(m.error)}`);
      }),
    ),
  );
  authority.send({ type: 'start', role: 'authority' });
  client.send({
    type: 'start',
    role: 'client',
    options: { sampleEvery: SCENARIO.sampleEvery, frameMs: FRAME_MS },
  });
  await opened;
  return { authority, client };
}

interface Run {
  auth: AuthorityReport;
  got: ClientReport;
  /** Client numbers at the end of phase 1, and at the start and end of phase 2. */
  phase1: ClientMark;
  before2: ClientMark;
  after2: ClientMark;
  /** Authority ticks at the start and end of phase 2. */
  start2: number;
  end2: number;
}

/**
 * Phase 1: 5% loss each way for PHASE_TICKS. Phase 2: 20% each way for PHASE_TICKS. Then loss
 * off, the authority stops, and a reliable marker behind its last snapshot tells when everything
 * that survived has arrived; both report and exit by themselves.
 */
async function run(link: Link, authority: ChildProcess, client: ChildProcess): Promise<Run> {
  authority.send({ type: 'go', scenario: SCENARIO });
  await ask(authority, { type: 'until', tick: PHASE_TICKS }, 'at', 20_000);
  const phase1 = await ask<ClientMark>(client, { type: 'mark' }, 'mark');
  await link.setLoss(20);
  const start2 = (await ask<{ tick: number }>(authority, { type: 'mark' }, 'mark')).tick;
  const before2 = await ask<ClientMark>(client, { type: 'mark' }, 'mark');
  await ask(authority, { type: 'until', tick: start2 + PHASE_TICKS }, 'at', 20_000);
  const end2 = (await ask<{ tick: number }>(authority, { type: 'mark' }, 'mark')).tick;
  const after2 = await ask<ClientMark>(client, { type: 'mark' }, 'mark');
  await link.setLoss(0);
  const drained = nextMessage(client, is('drained'), 15_000);
  const auth = await ask<AuthorityReport>(authority, { type: 'finish' }, 'report');
  await drained;
  const got = await ask<ClientReport>(client, { type: 'report' }, 'report');
  authority.send({ type: 'close' });
  client.send({ type: 'close' });
  const exits = await Promise.all([waitForExit(authority), waitForExit(client)]);
  expect(exits).toEqual([
    { code: 0, signal: null },
    { code: 0, signal: null },
  ]);
  return { auth, got, phase1, before2, after2, start2, end2 };
}

describe.skipIf(!support.ok)(`state sync on a lossy link${support.ok ? '' : ` (${support.reason})`}`, () => {
  it('stays equal, delta-coded, smooth and clock-synced over 40 ms RTT at 5% then 20% loss', async () => {
    const link = await createLink({ rttMs: 40, lossPercent: 5 });
    onCleanup(() => link.close());
    const { authority, client } = await startPeers(link);
    const { auth, got, phase1, before2, after2, start2, end2 } = await run(link, authority, client);
    expect(auth.errors).toEqual([]);
    expect(got.errors).toEqual([]);

    const byTick = new Map(auth.ticks.map((r) => [r[0], r]));
    const sentTicks = auth.ticks.filter((r, i) => i > 0 && r[4] > auth.ticks[i - 1]![4]).map((r) => r[0]);
    if (auth.ticks[0]![4] > 0) sentTicks.unshift(auth.ticks[0]![0]);
    const completed = new Set(got.snapshots.map(([tick]) => tick));
    const phaseOf = (tick: number) => (tick <= start2 ? 1 : tick <= end2 ? 2 : 0);

    // (1) The client's world at every tick it completed is the authority's world at that tick:
    // the quantized hash matches exactly, and sampled ticks match field by field within the
    // quantization error.
    const mismatches = got.snapshots.filter(([tick, , hash]) => byTick.get(tick)?.[2] !== hash);
    expect(mismatches).toEqual([]);
    expect(got.snapshots.length).toBeGreaterThan(400);
    const truth = new Map(auth.truth.map(([tick, entities]) => [tick, entities]));
    let compared = 0;
    for (const snapshot of got.decoded) {
      const want = truth.get(snapshot.tick)!;
      expectSameWorld(schema, snapshot, new Map(want.map(([id, type, state]) => [id, { type, state }])));
      compared++;
    }
    expect(compared).toBeGreaterThan(30);

    // (2) Nothing lost was resent: full snapshots only until the first ack, then deltas against
    // whatever the client acknowledged, also right after a loss (the tick before was never acked,
    // so the delta was coded against an older baseline, and it still decoded to the truth).
    const fullTicks = auth.ticks.filter((r, i) => r[5] > (auth.ticks[i - 1]?.[5] ?? 0)).map((r) => r[0]);
    expect(fullTicks.length).toBeGreaterThan(0);
    expect(fullTicks.length).toBe(auth.stats.fullSnapshots);
    // Within about a second at 60 Hz: the first ack needs one complete multi-part full snapshot and
    // an ack through 40 ms RTT at 5 % loss each way (34 ticks seen once in a fresh CI run).
    expect(fullTicks.at(-1)!).toBeLessThan(sentTicks[0]! + 60);
    expect(sentTicks.length).toBe(auth.stats.snapshotsSent);
    const deltaBytes = auth.ticks
      .filter((r, i) => i > 0 && r[0] > fullTicks.at(-1)! && r[4] > auth.ticks[i - 1]![4])
      .map((r) => r[3] - byTick.get(r[0] - 1)![3]);
    const meanDelta = deltaBytes.reduce((a, b) => a + b, 0) / deltaBytes.length;
    expect(meanDelta).toBeLessThan(0.5 * auth.fullSnapshotBytes);
    expect(Math.max(...deltaBytes)).toBeLessThan(auth.fullSnapshotBytes);
    const afterLoss = sentTicks.filter(
      (tick, i) => i > 0 && completed.has(tick) && !completed.has(sentTicks[i - 1]!),
    );
    expect(afterLoss.filter((tick) => phaseOf(tick) === 1).length).toBeGreaterThan(3);
    expect(afterLoss.filter((tick) => phaseOf(tick) === 2).length).toBeGreaterThan(3);
    expect(got.sync.rejected).toEqual({});
    expect(auth.stats.rejected).toEqual({});
    expect(auth.stats.ignoredAcks).toBe(0);
    // Acks ride on unreliable packets too: the authority's newest ack is one the client completed.
    expect(completed.has(auth.stats.ackedTick!)).toBe(true);
    expect(auth.stats.ackedTick).toBeGreaterThan(end2 - 60);

    // (3) Render time never steps back and runs at 0.9-1.1x real time, slower only while it
    // reaches or waits at the extrapolation bound (newest snapshot + 250 ms); frames across a
    // re-anchor (the authority's timeline jumped by over a second: counted) are left out. So what
    // sample() renders moves no faster than the entities at 1.1x: `speed` units per tick of wall
    // time plus the quantization error, stretched by extrapolation, for every entity held by the
    // two newest snapshots; and no mover (settled, spawning or despawning) is ever drawn backwards
    // along its heading by more than that error. Entities that spawn during an extrapolation are
    // shown where they first appeared until a second snapshot moves them on (`maxEdgeStep`).
    const frames = got.samples.slice(1).map((f, i) => {
      const prev = got.samples[i]!;
      const wallMs = f[0] - prev[0];
      const slack = quantizationSlack(f[3], prev[3]);
      return {
        tick: f[1],
        reset: f[7] !== prev[7],
        renderMs: (f[1] - prev[1]) * TICK_MS,
        wallMs,
        atCap: Math.max(f[3], prev[3]) >= MAX_EXTRAPOLATION_MS - 1e-6,
        excess: f[2] - SCENARIO.speed * 1.1 * (wallMs / TICK_MS) - slack,
        backExcess: f[8] - slack,
        edge: f[5],
        extrapolatedMs: f[3],
      };
    });
    const steady = frames.filter((f) => !f.reset);
    const rate = (f: { renderMs: number; wallMs: number }) => f.renderMs / f.wallMs;
    expect(frames.length).toBeGreaterThan(1500);
    expect(got.samples.every((f) => f[4] === SCENARIO.movers + SCENARIO.crates)).toBe(true);
    expect(Math.min(...steady.map((f) => f.renderMs))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...steady.map(rate))).toBeLessThanOrEqual(1.1 + 1e-6);
    expect(Math.min(...steady.filter((f) => !f.atCap).map(rate))).toBeGreaterThanOrEqual(0.9 - 1e-6);
    const worstExcess = Math.max(...steady.map((f) => f.excess));
    const worstBack = Math.max(...steady.map((f) => f.backExcess));
    expect(worstExcess).toBeLessThanOrEqual(0);
    expect(worstBack).toBeLessThanOrEqual(0);

    // (4) The clock estimate is the authority's tick clock (read at the same CLOCK_MONOTONIC
    // instant from its step times), corrected by RTT/2 for the 20 ms one-way delay. When the
    // authority's own timer stalls (a busy machine), it drops ticks and its tick clock slips; the
    // estimate, smoothed over ~0.3 s of the authority's time, takes about a second to follow. So the estimate is judged in
    // phase 1 where the authority's timeline held still for the second before (when the machine
    // leaves any such window), and the RTT it rests on is checked in any case.
    const drift = auth.ticks.map((r) => r[1] - r[0] * TICK_MS);
    const settledClock = (i: number) =>
      i >= QUIET_TICKS && drift.slice(i - QUIET_TICKS, i + 1).every((d) => Math.abs(d - drift[i]!) <= 3);
    const clockErrors: { error: number; phase: number; quiet: boolean }[] = [];
    let k = 0;
    for (const [hr, estimate] of got.clock) {
      while (k + 1 < auth.ticks.length && auth.ticks[k + 1]![1] <= hr) k++;
      const [tick, stepHr] = auth.ticks[k]!;
      if (stepHr > hr || tick <= WARMUP_TICKS) continue;
      const error = estimate - (tick * TICK_MS + (hr - stepHr));
      clockErrors.push({ error, phase: phaseOf(tick), quiet: settledClock(k) });
    }
    const quietErrors = clockErrors.filter((e) => e.phase === 1 && e.quiet).map((e) => e.error);
    const delays = got.snapshots
      .filter(([tick]) => byTick.has(tick))
      .map(([tick, at]) => ({ tick, ms: at - byTick.get(tick)![1] }));
    const oneWay = delays.map((d) => d.ms);
    expect(clockErrors.length).toBeGreaterThan(100);
    // RTT/2 assumes both directions take as long; on a busy machine the pings also wait for the
    // peers' event loops, and the estimate cannot be closer than half of that extra RTT.
    const rttExcess = Math.max(0, phase1.conn.srttMs! - 40) / 2;
    if (quietErrors.length >= 5) {
      expect(Math.abs(quantile(quietErrors, 0.5))).toBeLessThan(4 + rttExcess);
      expect(quantile(quietErrors.map(Math.abs), 0.9)).toBeLessThan(6 + rttExcess);
    } else {
      console.warn(
        `clock estimate not judged: the authority's timer never held still for ${QUIET_TICKS} ticks`,
      );
    }
    expect(Math.min(...oneWay)).toBeGreaterThanOrEqual(20); // the link never delivers early
    expect(quantile(oneWay, 0.5)).toBeLessThan(40);
    expect(phase1.conn.srttMs).toBeGreaterThan(39);
    expect(phase1.conn.srttMs).toBeLessThan(120);

    // (5) At 20% loss snapshots go missing, the client's connection stats count the lost packets,
    // its sync stats count the missed ticks, random loss alone does not throttle the send rate
    // below 30 Hz, and it keeps up: what arrives is fresh, its newest tick stays close, and it
    // never stalls.
    const sent2 = sentTicks.filter((tick) => phaseOf(tick) === 2);
    const got2 = sent2.filter((tick) => completed.has(tick));
    const lost2 = sent2.length - got2.length;
    const lostPackets2 = after2.conn.unreliable.lost - before2.conn.unreliable.lost;
    expect(lost2).toBeGreaterThan(0);
    expect(lost2 / sent2.length).toBeGreaterThan(0.05);
    expect(lost2 / sent2.length).toBeLessThan(0.4);
    expect(lostPackets2).toBeGreaterThan(0);
    // missedTicks counts lost ticks and ticks not sent while backed off (marks are a few ticks
    // off the phase boundaries).
    const missed2 = after2.sync.missedTicks - before2.sync.missedTicks;
    const unsent2 = end2 - start2 - sent2.length;
    expect(missed2).toBeGreaterThanOrEqual(lost2 - 10);
    expect(missed2).toBeLessThanOrEqual(lost2 + unsent2 + 10);
    // Random loss is not congestion: at least 90% of phase 2 ran at 30 Hz or more (a busy
    // machine's RTT spikes may still read as a queue now and then).
    const ticks2 = auth.ticks.filter((r) => phaseOf(r[0]) === 2);
    const fastShare2 = ticks2.filter((r) => r[6] <= 2).length / ticks2.length;
    expect(fastShare2).toBeGreaterThanOrEqual(0.9);
    const arrivals2 = got.snapshots.filter(([tick]) => phaseOf(tick) === 2);
    const gaps2 = arrivals2.slice(1).map(([, at], i) => at - arrivals2[i]![1]);
    // No stall: even the rate-adapted stream (down to 7.5 Hz) never goes a second without a tick.
    expect(Math.max(...gaps2)).toBeLessThan(1000);
    const oneWay2 = delays.filter((d) => phaseOf(d.tick) === 2).map((d) => d.ms);
    expect(quantile(oneWay2, 0.5)).toBeLessThan(40);
    expect(after2.sync.latestTick).toBeGreaterThan(end2 - 60);

    // The numbers behind the assertions and the defects measured above, for the record.
    const inPhase = (phase: number) => frames.filter((f) => phaseOf(f.tick) === phase);
    const errorsIn = (phase: number) => clockErrors.filter((e) => e.phase === phase).map((e) => e.error);
    const q = (values: number[]) => [0.5, 0.9, 1].map((p) => round(quantile(values, p), 2));
    console.info(
      JSON.stringify({
        fullSnapshotBytes: auth.fullSnapshotBytes,
        fullSnapshots: auth.stats.fullSnapshots,
        deltaBytes: { mean: round(meanDelta), p95: quantile(deltaBytes, 0.95), max: Math.max(...deltaBytes) },
        snapshotsSent: auth.stats.snapshotsSent,
        completed: completed.size,
        recoveredAfterLoss: afterLoss.length,
        phase2: { sent: sent2.length, completed: got2.length, lost: lost2, lostPackets: lostPackets2 },
        rate: auth.stats.rate,
        clockErrorMs: {
          quiet: {
            n: quietErrors.length,
            p50: q(quietErrors)[0],
            absP50_P90_max: q(quietErrors.map(Math.abs)),
          },
          phase1: q(errorsIn(1).map(Math.abs)),
          phase2: q(errorsIn(2).map(Math.abs)),
        },
        oneWayMs: q(oneWay),
        srttMs: [phase1.conn.srttMs, after2.conn.srttMs].map((v) => round(v!, 1)),
        frames: frames.length,
        worstExcess: round(worstExcess, 3),
        worstBack: round(worstBack, 3),
        renderBackStepMs: [1, 2].map((p) => round(-Math.min(0, ...inPhase(p).map((f) => f.renderMs)), 2)),
        renderRate: [1, 2].map((p) => {
          const rates = inPhase(p).map(rate);
          return [round(Math.min(...rates), 3), round(Math.max(...rates), 3)];
        }),
        atCapFrames: [1, 2].map((p) => inPhase(p).filter((f) => f.atCap).length),
        renderResets: got.sync.renderResets,
        maxEdgeStep: [1, 2].map((p) => round(Math.max(0, ...inPhase(p).map((f) => f.edge)), 2)),
        extrapolatedFrames: [1, 2].map((p) => inPhase(p).filter((f) => f.extrapolatedMs > 0).length),
        extrapolatedMs: [1, 2].map((p) =>
          q(
            inPhase(p)
              .filter((f) => f.extrapolatedMs > 0)
              .map((f) => f.extrapolatedMs),
          ),
        ),
        renderDelayMs: [round(phase1.renderDelayMs), round(after2.renderDelayMs)],
        clientSync: {
          missedTicks: got.sync.missedTicks,
          missed2,
          stale: got.sync.stale,
          duplicates: got.sync.duplicates,
          early: got.sync.early,
        },
        fastShare2: round(fastShare2, 3),
        maxGap2Ms: round(Math.max(...gaps2)),
        authorityStalls: auth.ticks.filter((r, i) => i > 0 && r[1] - auth.ticks[i - 1]![1] > TICK_MS + 20)
          .length,
      }),
    );
  }, 45_000);
});
