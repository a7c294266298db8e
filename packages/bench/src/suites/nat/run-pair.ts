// Runs one pair of the NAT matrix once: both agents queue for a mode of their own, meet through the
// lobby and connect; the pair's result is the later side's open time counted from the earlier
// side's "match found", and the path both sides agree on (the least direct of the two views: behind
// a NAT a peer's own candidate is a host one, only the far side sees the reflexive address).
import type { PathType, RelayProtocol } from '@tickwire/transport';
import type { AgentOutcome, PairCommand, RestartOutcome } from './agent-worker.js';
import type { PairSpec } from './pairs.js';

export interface PairRun {
  readonly ok: boolean;
  /** From the first `matchFound` to both channels open on both sides, ms. */
  readonly openMs?: number;
  /** The part of openMs spent in connect(): from the later `matchReady` to both open, ms. */
  readonly connectMs?: number;
  readonly path?: PathType;
  /** How a side reached its relay: TLS or else TCP when either side did (a UDP-blocked browser),
   * else UDP. */
  readonly relayProtocol?: RelayProtocol;
  /** Whether either side fell back to relay-only. */
  readonly fellBack: boolean;
  /** Whether either side made a TURN (relay-only) attempt after the first. */
  readonly triedTurn: boolean;
  readonly outcomes: readonly [AgentOutcome, AgentOutcome];
  /** With `breakPath`: the ICE restart that followed (the agents' shared clock, ms). */
  readonly restart?: RestartRun;
}

export interface RestartRun {
  readonly ok: boolean;
  /** Neither side restarted, and messages kept arriving: the path survived the break. */
  readonly healed: boolean;
  /** Path broken → the first side's `restarting`. */
  readonly detectMs?: number;
  /** The first `restarting` → the later side's `restored` (restart → open). */
  readonly restartMs?: number;
  /** Path broken → the later side's `restored`. */
  readonly brokenToRestoredMs?: number;
  readonly outcomes: readonly [RestartOutcome, RestartOutcome];
}

const RANK: Record<PathType, number> = { host: 0, prflx: 1, srflx: 2, relay: 3, 'lobby-relay': 4 };

/** A matrix peer: a Node agent's IPC (WorkerHandle) or a Chromium page (browser/browser-peer.ts). */
export interface PairAgent {
  readonly ipc: { request<T>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T> };
}

/** What runPair needs of a lab: the lobby's URL and the peer on each host. */
export interface PairPeers {
  readonly lobbyUrl: string;
  agent(site: string, index?: number): PairAgent;
}

export interface RunPairOptions {
  readonly connectTimeoutMs: number;
  readonly exchangeTimeoutMs?: number;
  readonly relayFallbackAfterMs?: number;
  readonly wsRelay?: false | number;
  /** Once both are open and exchanged, breaks the path (e.g. drops a NAT's UDP mappings). */
  readonly breakPath?: () => Promise<void>;
  /** The transport's iceRestart.silenceMs for a `breakPath` run. */
  readonly restartSilenceMs?: number;
}

/** CLOCK_MONOTONIC, the Node agents' clock (a restart is measured between Node agents only). */
const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const RESTORE_TIMEOUT_MS = 15_000;

let nextMode = 0;

export async function runPair(lab: PairPeers, spec: PairSpec, options: RunPairOptions): Promise<PairRun> {
  const mode = `nat${process.pid}-${nextMode++}`;
  const agents = [lab.agent(spec.a.site, spec.a.index), lab.agent(spec.b.site, spec.b.index)] as const;
  const command = (name: string): PairCommand => ({
    lobbyUrl: lab.lobbyUrl,
    mode,
    name,
    connectTimeoutMs: options.connectTimeoutMs,
    exchangeTimeoutMs: options.exchangeTimeoutMs ?? 5_000,
    ...(options.relayFallbackAfterMs === undefined
      ? {}
      : { relayFallbackAfterMs: options.relayFallbackAfterMs }),
    ...(options.wsRelay === undefined ? {} : { wsRelay: options.wsRelay }),
    ...(options.breakPath ? { holdForRestart: true } : {}),
    ...(options.restartSilenceMs === undefined ? {} : { restartSilenceMs: options.restartSilenceMs }),
  });
  const timeoutMs = options.connectTimeoutMs + 45_000;
  let outcomes: [AgentOutcome, AgentOutcome];
  let restart: RestartRun | undefined;
  try {
    outcomes = await Promise.all([
      agents[0].ipc.request<AgentOutcome>('pair', command(`${spec.a.site}${spec.a.index}`), timeoutMs),
      agents[1].ipc.request<AgentOutcome>('pair', command(`${spec.b.site}${spec.b.index}`), timeoutMs),
    ]);
    if (options.breakPath && outcomes[0].ok && outcomes[1].ok) {
      const brokeAt = monotonicMs();
      await options.breakPath();
      const seen = await Promise.all(
        agents.map((a) =>
          a.ipc.request<RestartOutcome>('restored', RESTORE_TIMEOUT_MS, RESTORE_TIMEOUT_MS + 10_000),
        ),
      );
      restart = restartRun(brokeAt, seen as [RestartOutcome, RestartOutcome]);
    }
  } finally {
    await Promise.all(agents.map((a) => a.ipc.request('finish', null, 10_000).catch(() => undefined)));
  }
  const [x, y] = outcomes;
  const fellBack = x.relayFallback !== undefined || y.relayFallback !== undefined;
  const triedTurn = [x, y].some((o) => o.relayFallbacks.some((f) => f.via === 'turn'));
  if (!x.ok || !y.ok) return { ok: false, fellBack, triedTurn, outcomes };
  const found = Math.min(x.foundAtMs ?? Infinity, y.foundAtMs ?? Infinity);
  const open = Math.max(x.openAtMs ?? -Infinity, y.openAtMs ?? -Infinity);
  const ready = Math.max(x.readyAtMs ?? Infinity, y.readyAtMs ?? Infinity);
  const paths = [x.path, y.path].filter((p) => p !== undefined);
  const path = paths.length === 2 ? paths.reduce((m, p) => (RANK[p.type] > RANK[m.type] ? p : m)) : undefined;
  const protocols = paths.flatMap((p) => (p.relayProtocol === undefined ? [] : [p.relayProtocol]));
  const relayProtocol = (['tls', 'tcp'] as const).find((p) => protocols.includes(p)) ?? protocols[0];
  return {
    ok: true,
    ...(Number.isFinite(open - found) ? { openMs: open - found } : {}),
    ...(Number.isFinite(open - ready) ? { connectMs: open - ready } : {}),
    ...(path ? { path: path.type } : {}),
    ...(relayProtocol ? { relayProtocol } : {}),
    fellBack,
    triedTurn,
    outcomes,
    ...(restart ? { restart } : {}),
  };
}

function restartRun(brokeAt: number, outcomes: [RestartOutcome, RestartOutcome]): RestartRun {
  if (!outcomes.every((o) => o.ok)) {
    const healed = outcomes.every((o) => !o.restarted && o.heardWhileWaiting > 0);
    return { ok: false, healed, outcomes };
  }
  const started = Math.min(...outcomes.map((o) => o.restartingAtMs ?? Infinity));
  const restored = Math.max(...outcomes.map((o) => o.restoredAtMs ?? -Infinity));
  return {
    ok: true,
    healed: false,
    ...(Number.isFinite(started) ? { detectMs: started - brokeAt, restartMs: restored - started } : {}),
    ...(Number.isFinite(restored) ? { brokenToRestoredMs: restored - brokeAt } : {}),
    outcomes,
  };
}
