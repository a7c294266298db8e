// `pnpm bench lobby`: a lobby cluster at scale on this machine. Several lobby processes (the real
// `tickwire-lobby` bin, each in its own process) share one redis-server, as in production:
//   1. sessions: N concurrent WebSocket sessions (50,000; 2,000 with --quick), spread over the
//      processes; idle ones are held by child processes (lobby-holder.ts) bound to several loopback
//      source addresses (127.0.0.2-6), so no process runs out of descriptors or source ports.
//      Every process (lobbies, holders) runs under a raised `ulimit -n`. Reports sessions held,
//      each lobby process's RSS and CPU per 1,000 sessions, Redis memory and commands per session.
//   2. idle: 10 s with every session held: lobby CPU and Redis commands per session per minute.
//   3. signaling under that load: 100 room pairs whose host and guest sit on different processes
//      (relayed through Redis pub/sub) relay timestamped ICE candidates, p50/p99 of the relay. The
//      pairs live in a child process of their own (lobby-signaler.ts): the measuring client's event
//      loop is not the one holding the 10,000 matchmaking sessions.
//   4. matchmaking: M sessions (10,000; 500 with --quick) queue for `duel` at once and accept
//      every match; players matched per second from the first queue.join to the last match.ready.
// Limits: clients, lobbies and Redis share 2 cores on loopback (the clients' own CPU inflates the
// latencies); RSS includes V8 heap slack that a GC might return.
// Speaks the lobby's JSON protocol with `ws` directly (lobby-session.ts).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { percentileSorted } from '../stats/percentile.js';
import { openMany, raceTimeout, type Session } from './lobby-session.js';

export interface LobbySuiteResult {
  name: string;
  metric: string;
  value: number;
  unit: string;
}

const LOBBY_BIN = fileURLToPath(new URL('../../../lobby-server/dist/bin.js', import.meta.url));
const HOLDER = fileURLToPath(new URL('./lobby-holder.js', import.meta.url));
const SIGNALER = fileURLToPath(new URL('./lobby-signaler.js', import.meta.url));
/**
 * Descriptors wanted per process. Where raising the hard limit is not permitted (a container
 * without CAP_SYS_RESOURCE), the soft limit is raised to the hard one instead, and the sessions
 * are spread so that no process needs more (lobby processes and holders stay under 20,000).
 */
const NOFILE = 200_000;

/** Spawns `node <args>` under a raised `ulimit -n` (root may raise the hard limit too). */
function spawnNode(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdio: 'pipe' | 'ignore' = 'pipe',
): ChildProcess {
  return spawn(
    'sh',
    [
      '-c',
      `ulimit -n ${NOFILE} 2>/dev/null || ulimit -n $(ulimit -Hn); exec "$0" "$@"`,
      process.execPath,
      ...args,
    ],
    {
      env,
      stdio: [stdio === 'pipe' ? 'pipe' : 'ignore', 'pipe', 'inherit'],
    },
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) * 1024;
}

interface Child {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): () => Promise<void> {
  const exited = once(child, 'exit');
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

interface RedisChild extends Child {
  readonly url: string;
  info(): Promise<{ commands: number; usedMemory: number }>;
}

async function startRedis(): Promise<RedisChild> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxclients',
      '10000',
    ],
    { stdio: 'ignore' },
  );
  const stop = stopper(child);
  const info = async () => {
    const text = await redisInfo(port);
    return {
      commands: Number(/total_commands_processed:(\d+)/.exec(text)?.[1] ?? 0),
      usedMemory: Number(/used_memory:(\d+)/.exec(text)?.[1] ?? 0),
    };
  };
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await info();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not start: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { url: `redis://127.0.0.1:${port}`, child, stop, info };
}

/** INFO over a raw socket: the bench needs no Redis client for two numbers. */
function redisInfo(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('INFO\r\n'));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const header = /^\$(\d+)\r\n/.exec(text);
      if (header && Buffer.byteLength(text) >= header[0].length + Number(header[1])) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.once('error', reject);
  });
}

interface LobbyChild extends Child {
  readonly url: string;
  readonly httpUrl: string;
  readonly pid: number;
  sessions(): Promise<number>;
}

/**
 * Extra Node flags for the lobby processes only, e.g. `LOBBY_BENCH_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof"` to profile them (the bin exits on SIGTERM, which writes the profile).
 */
const LOBBY_NODE_ARGS = (process.env.LOBBY_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);

async function startLobby(redisUrl: string): Promise<LobbyChild> {
  const child = spawnNode([...LOBBY_NODE_ARGS, LOBBY_BIN], {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    REDIS_URL: redisUrl,
    LOBBY_REDIS_PREFIX: `bench${process.pid}:`,
    LOBBY_SECRET: 'bench-lobby-secret-0123456789',
    // One client machine opens every session: lift the per-IP defences, keep everything else.
    LOBBY_CONNECTIONS_PER_IP: '100000',
    LOBBY_SOCKETS_PER_IP: '100000',
    LOBBY_MAX_SOCKETS: '100000',
    LOBBY_IP_CONNECTS_PER_SECOND: '100000',
    LOBBY_IP_CONNECT_BURST: '100000',
    LOBBY_IP_MESSAGES_PER_SECOND: '1000000',
    LOBBY_IP_MESSAGE_BURST: '1000000',
    // Held sessions send nothing: a run slower than the idle timeout would lose them (4000).
    LOBBY_IDLE_TIMEOUT_MS: '3600000',
    LOBBY_HELLO_TIMEOUT_MS: '60000',
    LOBBY_MAX_CANDIDATES: '100000',
    LOBBY_TICK_MS: '50',
    LOBBY_ACCEPT_TIMEOUT_MS: '60000',
    // A process starved of CPU by this very bench must not be taken for dead, and neither must a
    // client: with the default 15 s ping a holder busy opening thousands of sessions on a loaded
    // machine misses pongs and its sessions are terminated (1006), which feeds on itself.
    LOBBY_NODE_TTL_MS: '60000',
    LOBBY_HEARTBEAT_MS: '120000',
  });
  const stop = stopper(child);
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('lobby did not start (is packages/lobby-server built?)')),
      15_000,
    );
    lines.on('line', (line) => {
      if (!line.includes('"event":"listening"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) =>
      reject(new Error(`lobby exited with ${code} (is packages/lobby-server built?)`)),
    );
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  return {
    url: `ws://127.0.0.1:${port}/`,
    httpUrl,
    pid: child.pid!,
    child,
    stop,
    sessions: async () =>
      ((await (await fetch(`${httpUrl}/healthz`)).json()) as { sessions: number }).sessions,
  };
}

interface Holder extends Child {
  readonly done: Promise<{ done: number; failed: number }>;
  readonly pid: number;
}

function startHolder(
  count: number,
  localAddress: string,
  urls: readonly string[],
  onOpened: (n: number) => void,
): Holder {
  const child = spawnNode([HOLDER, String(count), localAddress, urls.join(',')], process.env);
  const lines = createInterface({ input: child.stdout! });
  const done = new Promise<{ done: number; failed: number }>((resolve, reject) => {
    lines.on('line', (line) => {
      const report = JSON.parse(line) as { opened?: number; done?: number; failed: number };
      if (report.opened !== undefined) onOpened(report.opened);
      if (report.done !== undefined) resolve({ done: report.done, failed: report.failed });
    });
    child.once('exit', (code) => reject(new Error(`session holder exited with ${code}`)));
  });
  done.catch(() => undefined);
  return {
    child,
    pid: child.pid!,
    done,
    // Closing its stdin tells the holder to close its sockets and exit.
    stop: async () => {
      child.stdin?.end();
      await stopper(child, 'SIGTERM')();
    },
  };
}

interface SignalerResult {
  readonly latencies: number[];
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

interface Signaler extends Child {
  /** Its sessions are open (or failed to open). */
  readonly opened: Promise<{ opened: number; failed: number }>;
  /** Sets up the rooms and runs the measurement; resolves with every signal's latency. */
  measure(): Promise<SignalerResult>;
}

/** The process that runs the signaling pairs and measures them (lobby-signaler.ts). */
function startSignaler(
  pairs: number,
  signals: number,
  localAddress: string,
  urls: readonly string[],
): Signaler {
  const child = spawnNode(
    [SIGNALER, String(pairs), String(signals), localAddress, urls.join(',')],
    process.env,
  );
  const lines = createInterface({ input: child.stdout! });
  let onOpened: (value: { opened: number; failed: number }) => void = () => undefined;
  let onResult: (value: SignalerResult) => void = () => undefined;
  let onFailure: (error: Error) => void = () => undefined;
  const opened = new Promise<{ opened: number; failed: number }>((resolve, reject) => {
    onOpened = resolve;
    onFailure = reject;
  });
  const result = new Promise<SignalerResult>((resolve, reject) => {
    onResult = resolve;
    const previous = onFailure;
    onFailure = (error) => {
      previous(error);
      reject(error);
    };
  });
  opened.catch(() => undefined);
  result.catch(() => undefined);
  lines.on('line', (line) => {
    const report = JSON.parse(line) as Partial<SignalerResult> & { opened?: number; failed?: number };
    if (report.opened !== undefined) onOpened({ opened: report.opened, failed: report.failed ?? 0 });
    if (report.latencies !== undefined) onResult(report as SignalerResult);
  });
  child.once('exit', (code) => onFailure(new Error(`signaling client exited with ${code}`)));
  return {
    child,
    opened,
    measure: () => {
      child.stdin?.write('go\n');
      return result;
    },
    // Closing its stdin tells the signaler to close its sockets and exit.
    stop: async () => {
      child.stdin?.end();
      await stopper(child, 'SIGTERM')();
    },
  };
}

/**
 * `LOBBY_BENCH_PHASES=FILE`: appends "phase monotonic-µs" lines (the clock of `--cpu-prof`
 * profiles), so a lobby profile can be cut into the opening, signaling and matchmaking phases.
 */
const PHASES = process.env.LOBBY_BENCH_PHASES;
async function mark(phase: string): Promise<void> {
  if (PHASES) await appendFile(PHASES, `${phase} ${process.hrtime.bigint() / 1000n}\n`);
}

async function measureMatchmaking(players: Session[]): Promise<{ matched: number; seconds: number }> {
  let matched = 0;
  let lastReady = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  for (const player of players) {
    player.onMessage = (m) => {
      if (m.t === 'match.found') player.send({ t: 'match.accept', matchId: m.matchId });
      if (m.t === 'match.ready') {
        matched += 1;
        lastReady = performance.now();
        if (matched === players.length) done();
      }
    };
  }
  const started = performance.now();
  for (const player of players) player.send({ t: 'queue.join', mode: 'duel' });
  await raceTimeout(finished, 60_000);
  return { matched, seconds: ((matched > 0 ? lastReady : performance.now()) - started) / 1000 };
}

interface ProcessSample {
  readonly cpuMs: number;
  readonly rss: number;
}

async function sample(pids: readonly number[]): Promise<ProcessSample[]> {
  return Promise.all(pids.map(async (pid) => ({ cpuMs: await cpuMs(pid), rss: await rssOf(pid) })));
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The machine's 1-minute load average now (the machine is shared: every phase records it). */
const load1 = () => round(loadavg()[0] ?? 0, 2);

export async function runLobbySuite(opts: {
  quick: boolean;
  onProgress?: (fraction: number) => void;
}): Promise<{ results: LobbySuiteResult[]; notes: string[] }> {
  const progress = opts.onProgress ?? (() => undefined);
  // LOBBY_BENCH_PROCESSES / _SESSIONS / _MATCH override the sizes (e.g. a machine too busy for
  // the full run); the report names the sizes it ran with.
  const sized = (name: string, fallback: number) => {
    const value = Number(process.env[`LOBBY_BENCH_${name}`]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  // Five lobby processes and five holders for the full run: 50,000 sessions stay ~10,000 per
  // lobby and ~8,000 per holder, well under this container's 20,000 descriptors per process.
  const processes = sized('PROCESSES', opts.quick ? 2 : 5);
  const target = sized('SESSIONS', opts.quick ? 2_000 : 50_000);
  const matchPlayers = sized('MATCH', opts.quick ? 500 : 10_000);
  const signals = opts.quick ? 2_000 : 10_000;
  const pairs = 100;
  const holders = target >= 20_000 ? 5 : 1;
  const redis = await startRedis();
  const children: Child[] = [redis];
  const sessions: Session[] = [];
  try {
    const lobbies = await Promise.all(Array.from({ length: processes }, () => startLobby(redis.url)));
    children.push(...lobbies);
    const urls = lobbies.map((l) => l.url);
    // Let the fresh processes settle before the baseline readings.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const pids = lobbies.map((l) => l.pid);
    const base = await sample(pids);
    const redisBase = await redis.info();

    // Active sessions: the signaling pairs in the signaler process, the matchmaking queue in this
    // one (both on 127.0.0.1); the rest are held idle by the holders, each from its own loopback
    // source address.
    const active = 2 * pairs + matchPlayers;
    const idle = Math.max(0, target - active);
    const opened = new Array<number>(holders + 1).fill(0);
    const report = () => progress(0.5 * (opened.reduce((a, b) => a + b, 0) / target));
    const held = Array.from({ length: holders }, (_, i) =>
      startHolder(
        Math.floor(idle / holders) + (i < idle % holders ? 1 : 0),
        `127.0.0.${i + 2}`,
        urls,
        (n) => {
          opened[i] = n;
          report();
        },
      ),
    );
    children.push(...held);
    const signaler = startSignaler(pairs, signals, '127.0.0.1', urls);
    children.push(signaler);
    await mark('open');
    const mine = await openMany(urls, matchPlayers, '127.0.0.1', (n) => {
      opened[holders] = n;
      report();
    });
    sessions.push(...mine.sessions);
    const holderResults = await Promise.all(held.map((h) => h.done));
    const signalerOpened = await signaler.opened;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = await sample(pids);
    const redisAfter = await redis.info();
    const perProcess = await Promise.all(lobbies.map((l) => l.sessions()));
    const total = perProcess.reduce((a, b) => a + b, 0);
    await mark('held');
    progress(0.55);

    // Idle: every session held, nothing asked.
    const idleMs = opts.quick ? 3_000 : 10_000;
    const idleStart = await sample(pids);
    const redisIdleStart = await redis.info();
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const idleEnd = await sample(pids);
    const redisIdleEnd = await redis.info();
    const holderRss = await Promise.all(held.map((h) => rssOf(h.pid).catch(() => 0)));
    progress(0.6);

    const redisBeforeSignals = await redis.info();
    await mark('signaling');
    const loadAtSignaling = load1();
    const cpuBeforeSignals = await sample(pids);
    const signaled = await signaler.measure();
    const cpuAfterSignals = await sample(pids);
    const latencies = [...signaled.latencies].sort((a, b) => a - b);
    await mark('signaling-end');
    const redisAfterSignals = await redis.info();
    progress(0.75);
    const queued = sessions;
    const redisBeforeMatch = await redis.info();
    await mark('matchmaking');
    const loadAtMatchmaking = load1();
    const mm = await measureMatchmaking(queued);
    await mark('matchmaking-end');
    const redisAfterMatch = await redis.info();
    const stillHeld = (await Promise.all(lobbies.map((l) => l.sessions()))).reduce((a, b) => a + b, 0);
    progress(1);

    const results: LobbySuiteResult[] = [];
    const add = (name: string, metric: string, value: number, unit: string) =>
      results.push({ name, metric, value, unit });
    lobbies.forEach((_, i) => {
      const name = `lobby-${i + 1}`;
      const k = perProcess[i]! / 1000;
      add(name, 'sessions', perProcess[i]!, 'sessions');
      add(name, 'rss_mb', round(after[i]!.rss / 1e6), 'MB');
      add(name, 'rss_mb_per_1k_sessions', round((after[i]!.rss - base[i]!.rss) / 1e6 / k, 2), 'MB');
      add(name, 'open_cpu_ms_per_1k_sessions', Math.round((after[i]!.cpuMs - base[i]!.cpuMs) / k), 'ms');
      add(
        name,
        'idle_cpu_pct_per_1k_sessions',
        round((((idleEnd[i]!.cpuMs - idleStart[i]!.cpuMs) / idleMs) * 100) / k, 3),
        '% of a core',
      );
    });
    const name = 'cluster';
    add(name, 'processes', processes, 'lobby processes');
    add(name, 'sessions_target', target, 'sessions');
    add(
      name,
      'sessions_held',
      Math.min(
        total,
        holderResults.reduce((a, h) => a + h.done, 0) +
          signalerOpened.opened +
          sessions.filter((x) => x.open).length,
      ),
      'sessions',
    );
    add(name, 'sessions_after_matchmaking', stillHeld, 'sessions');
    add(
      name,
      'sessions_failed_to_open',
      mine.failed + signalerOpened.failed + holderResults.reduce((a, h) => a + h.failed, 0),
      'sessions',
    );
    add(name, 'redis_mb', round(redisAfter.usedMemory / 1e6), 'MB');
    add(
      name,
      'redis_bytes_per_session',
      Math.round((redisAfter.usedMemory - redisBase.usedMemory) / total),
      'bytes',
    );
    add(
      name,
      'redis_cmds_per_session_open',
      round((redisAfter.commands - redisBase.commands) / total),
      'commands',
    );
    add(
      name,
      'redis_cmds_per_session_min_idle',
      round(((redisIdleEnd.commands - redisIdleStart.commands) / total) * (60_000 / idleMs), 3),
      'commands',
    );
    add(
      name,
      'redis_cmds_per_signal',
      round((redisAfterSignals.commands - redisBeforeSignals.commands) / Math.max(1, latencies.length), 2),
      'commands',
    );
    add(
      name,
      'redis_cmds_per_matched_player',
      round((redisAfterMatch.commands - redisBeforeMatch.commands) / Math.max(1, mm.matched)),
      'commands',
    );
    add(
      name,
      'holder_rss_mb_per_1k_sessions',
      round(holderRss.reduce((a, b) => a + b, 0) / 1e6 / Math.max(1, idle / 1000), 2),
      'MB',
    );
    add(name, 'matched_players', mm.matched, 'players');
    add(name, 'matched_per_s', Math.round(mm.matched / mm.seconds), 'players/s');
    add(name, 'match_all_s', round(mm.seconds), 's');
    add(name, 'load_at_signaling', loadAtSignaling, 'load');
    add(name, 'load_at_matchmaking', loadAtMatchmaking, 'load');
    add(name, 'signal_p50_ms', round(percentileSorted(latencies, 0.5), 3), 'ms');
    add(name, 'signal_p99_ms', round(percentileSorted(latencies, 0.99), 3), 'ms');
    add(name, 'signals_delivered', latencies.length, 'messages');
    add(name, 'signaler_loop_delay_p99_ms', round(signaled.loopDelayP99Ms, 2), 'ms');
    add(
      name,
      'signal_lobby_cpu_us',
      Math.round(
        (cpuAfterSignals.reduce((a, c, i) => a + c.cpuMs - cpuBeforeSignals[i]!.cpuMs, 0) * 1000) /
          Math.max(1, latencies.length),
      ),
      'µs of lobby CPU per signal',
    );
    const notes = [
      `${processes} lobby processes behind one redis-server; ${target.toLocaleString('en')} sessions asked for, ` +
        `${holders} holder process(es) on ${holders === 1 ? '127.0.0.2' : `127.0.0.2-${holders + 1}`} plus the bench and its signaling client on 127.0.0.1 ` +
        `(${active.toLocaleString('en')} active sessions); every process under \`ulimit -n\` ${NOFILE} or its hard limit.`,
      `Signaling: ${signals.toLocaleString('en')} candidates at 2,000/s over ${pairs} room pairs whose host and guest sit on ` +
        'different lobby processes (relayed through Redis pub/sub), sent while every session is held, after one ' +
        'unmeasured candidate per pair; latency = send to guest receive, one clock, in a signaling client process ' +
        'that holds only those 200 sessions (signaler_loop_delay_p99_ms: its own event-loop delay meanwhile); ' +
        'signal_lobby_cpu_us: CPU of all lobby processes over the phase (room set-up and periodic work included) ' +
        'per signal, each signal crossing two of them.',
      `Matchmaking: ${matchPlayers.toLocaleString('en')} sessions send queue.join for duel at once and accept every match; ` +
        'matched_per_s and match_all_s run from the first queue.join to the last match.ready.',
      `1-minute load average (2 cores, shared): ${load1()} at the end, ${loadAtSignaling} when signaling started, ` +
        `${loadAtMatchmaking} when matchmaking started: latencies and rates depend on it, memory and command counts little.`,
    ];
    return { results, notes };
  } finally {
    for (const session of sessions) session.ws.terminate();
    // Holders and lobbies first, Redis last (lobbies leave the cluster through it).
    for (const child of children.slice(1).reverse()) await child.stop().catch(() => undefined);
    await redis.stop();
  }
}
