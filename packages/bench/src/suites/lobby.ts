// `pnpm bench lobby`: how much one lobby process (the real `tickwire-lobby` bin, in a child
// process so its memory is its own) holds on this machine. Phases, all against the same server:
//   1. sessions: open N WebSocket sessions (10,000; 1,000 with --quick), each says hello; report
//      how many are held, and the server's resident memory per session (RSS delta / N).
//   2. signaling under that load: 100 room pairs relay timestamped ICE candidates (client ->
//      lobby -> client, one clock), p50/p99 of the relay latency.
//   3. matchmaking: M held sessions queue for `duel` at once and accept every match; players
//      matched per second from the first queue.join to the last match.ready.
// Limits: clients and server share 2 cores on loopback (the clients' own CPU inflates latency);
// RSS includes V8 heap slack that a GC might return; the lobby runs in-memory (no Redis).
// Speaks the lobby's JSON protocol with `ws` directly: 10,000 full clients would measure the
// client library, not the server.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { percentileSorted } from '../stats/percentile.js';

export interface LobbySuiteResult {
  name: string;
  metric: string;
  value: number;
  unit: string;
}

type Message = { t: string; re?: number; [key: string]: unknown };

const LOBBY_BIN = fileURLToPath(new URL('../../../lobby-server/dist/bin.js', import.meta.url));

/** One raw protocol session: a socket plus a callback for every server message. */
class Session {
  id = '';
  private nextId = 1;
  private readonly replies = new Map<number, (m: Message) => void>();
  onMessage: (m: Message) => void = () => undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      if ((message.t === 'ok' || message.t === 'error') && message.re !== undefined) {
        const reply = this.replies.get(message.re);
        this.replies.delete(message.re);
        reply?.(message);
        return;
      }
      this.onMessage(message);
    });
    ws.on('error', () => undefined);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(value: object): void {
    this.ws.send(JSON.stringify(value));
  }

  request(value: object): Promise<Message> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.replies.set(id, (m) =>
        m.t === 'ok' ? resolve(m) : reject(new Error(`${String(m.code)}: ${String(m.message)}`)),
      );
      this.send({ ...value, id });
    });
  }
}

function openSession(url: string): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const session = new Session(ws);
    const timer = setTimeout(() => reject(new Error('hello timed out')), 30_000);
    ws.once('open', () => session.send({ t: 'hello', v: 1, name: 'bench' }));
    ws.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`closed before welcome (${code})`));
    });
    session.onMessage = (m) => {
      if (m.t !== 'welcome') return;
      clearTimeout(timer);
      session.id = String(m.sessionId);
      session.onMessage = () => undefined;
      resolve(session);
    };
  });
}

interface LobbyChild {
  readonly url: string;
  readonly httpUrl: string;
  readonly child: ChildProcess;
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

async function startLobby(): Promise<LobbyChild> {
  const child = spawn(process.execPath, [LOBBY_BIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      LOBBY_SECRET: 'bench-lobby-secret-0123456789',
      // One client machine opens every session: lift the per-IP defences, keep everything else.
      LOBBY_CONNECTIONS_PER_IP: '100000',
      LOBBY_IP_CONNECTS_PER_SECOND: '100000',
      LOBBY_IP_CONNECT_BURST: '100000',
      LOBBY_IP_MESSAGES_PER_SECOND: '1000000',
      LOBBY_IP_MESSAGE_BURST: '1000000',
      LOBBY_IDLE_TIMEOUT_MS: '600000',
      LOBBY_HELLO_TIMEOUT_MS: '60000',
      LOBBY_MAX_CANDIDATES: '100000',
      LOBBY_TICK_MS: '50',
      LOBBY_ACCEPT_TIMEOUT_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
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
  });
  return {
    url: `ws://127.0.0.1:${port}/`,
    httpUrl: `http://127.0.0.1:${port}`,
    child,
    rssBytes: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
      return Number(kb ?? 0) * 1024;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function openMany(url: string, count: number, onOpened: (n: number) => void): Promise<Session[]> {
  const sessions: Session[] = [];
  const batch = 250;
  for (let i = 0; i < count; i += batch) {
    const size = Math.min(batch, count - i);
    sessions.push(...(await Promise.all(Array.from({ length: size }, () => openSession(url)))));
    onOpened(sessions.length);
  }
  return sessions;
}

async function measureSignaling(sessions: Session[], pairs: number, signals: number): Promise<number[]> {
  const rooms: Array<[Session, Session]> = [];
  for (let i = 0; i < pairs; i += 1) {
    const host = sessions[2 * i]!;
    const guest = sessions[2 * i + 1]!;
    const created = await host.request({ t: 'room.create', mode: 'bench', maxPlayers: 2, public: false });
    await guest.request({ t: 'room.join', roomId: (created.data as { room: { id: string } }).room.id });
    rooms.push([host, guest]);
  }
  const latencies: number[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  for (const [, guest] of rooms) {
    guest.onMessage = (m) => {
      if (m.t !== 'signal') return;
      const sent = Number((m.data as { candidate: string }).candidate.split(' ')[1]);
      latencies.push(performance.now() - sent);
      if (latencies.length === signals) done();
    };
  }
  // A steady 2,000 signals/s spread over the pairs, as many peers trickling ICE at once would.
  const perTick = 20;
  let sent = 0;
  while (sent < signals) {
    for (let k = 0; k < perTick && sent < signals; k += 1, sent += 1) {
      const [host, guest] = rooms[sent % rooms.length]!;
      host.send({
        t: 'signal',
        to: guest.id,
        data: {
          kind: 'candidate',
          candidate: `candidate:1 ${performance.now()} udp 2122260223 10.0.0.1 5000 typ host`,
          mid: '0',
        },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await raceTimeout(finished, 30_000);
  for (const [, guest] of rooms) guest.onMessage = () => undefined;
  return latencies.sort((a, b) => a - b);
}

/** Waits for `promise` or `ms`, whichever comes first, and never leaves the timer behind. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
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

export async function runLobbySuite(opts: {
  quick: boolean;
  onProgress?: (fraction: number) => void;
}): Promise<LobbySuiteResult[]> {
  const progress = opts.onProgress ?? (() => undefined);
  const target = opts.quick ? 1_000 : 10_000;
  const matchPlayers = opts.quick ? 200 : 2_000;
  const signals = opts.quick ? 2_000 : 10_000;
  const lobby = await startLobby();
  const sessions: Session[] = [];
  try {
    // Let the fresh process settle before the baseline reading.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rssBefore = await lobby.rssBytes();
    sessions.push(...(await openMany(lobby.url, target, (n) => progress(0.5 * (n / target)))));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const held = sessions.filter((s) => s.open).length;
    const health = (await (await fetch(`${lobby.httpUrl}/healthz`)).json()) as { sessions: number };
    const rssAfter = await lobby.rssBytes();
    progress(0.55);

    const latencies = await measureSignaling(sessions, 100, signals);
    progress(0.75);
    const mm = await measureMatchmaking(sessions.slice(200, 200 + matchPlayers));
    progress(1);

    return [
      { name: 'lobby', metric: 'sessions_held', value: Math.min(held, health.sessions), unit: 'sessions' },
      {
        name: 'lobby',
        metric: 'bytes_per_session',
        value: Math.round((rssAfter - rssBefore) / target),
        unit: 'bytes',
      },
      { name: 'lobby', metric: 'server_rss_mb', value: Math.round(rssAfter / 1e5) / 10, unit: 'MB' },
      {
        name: 'lobby',
        metric: 'matched_per_s',
        value: Math.round(mm.matched / mm.seconds),
        unit: 'players/s',
      },
      { name: 'lobby', metric: 'matched_players', value: mm.matched, unit: 'players' },
      {
        name: 'lobby',
        metric: 'signal_p50_ms',
        value: Math.round(percentileSorted(latencies, 0.5) * 1000) / 1000,
        unit: 'ms',
      },
      {
        name: 'lobby',
        metric: 'signal_p99_ms',
        value: Math.round(percentileSorted(latencies, 0.99) * 1000) / 1000,
        unit: 'ms',
      },
      { name: 'lobby', metric: 'signals_delivered', value: latencies.length, unit: 'messages' },
    ];
  } finally {
    for (const session of sessions) session.ws.terminate();
    await lobby.stop();
  }
}
