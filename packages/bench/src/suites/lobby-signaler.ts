// A child process of `pnpm bench lobby` that measures cross-process signaling: it holds only the
// room pairs that signal (host and guest on different lobby processes), so the client that
// measures is not also the process holding the 10,000 matchmaking sessions (whose heap and event
// loop would delay the receive time it records). Started as
// `node lobby-signaler.js <pairs> <signals> <localAddress> <url,url,...>`; prints JSON lines:
// {"opened":n,"failed":f} once its sessions are open, then, after a "go" line on stdin, one
// {"latencies":[...],"loopDelayP99Ms":…,"loopDelayMaxMs":…}. Exits when stdin closes (the bench
// ends or dies): it never outlives the bench. `LOBBY_BENCH_SIGNAL_TRACE=FILE` lists every signal.
import { writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { openMany, raceTimeout, type Session } from './lobby-session.js';

const [pairsText, signalsText, localAddress, urlList] = process.argv.slice(2);
const pairs = Number(pairsText);
const signals = Number(signalsText);
const urls = (urlList ?? '').split(',').filter((u) => u.length > 0);
const SIGNAL_TRACE = process.env.LOBBY_BENCH_SIGNAL_TRACE;

const print = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function measure(sessions: Session[]): Promise<void> {
  const rooms: Array<[Session, Session]> = [];
  for (let i = 0; i + 1 < sessions.length && rooms.length < pairs; i += 2) {
    const host = sessions[i]!;
    const guest = sessions[i + 1]!;
    const created = await host.request({ t: 'room.create', mode: 'bench', maxPlayers: 2, public: false });
    await guest.request({ t: 'room.join', roomId: (created.data as { room: { id: string } }).room.id });
    rooms.push([host, guest]);
  }
  const latencies: number[] = [];
  const trace: string[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  // Warm-up, not measured: one candidate per pair, so the first measured signals do not pay for
  // the lobbies compiling their signaling path (a long-running lobby has done so long ago).
  const warm = new Promise<void>((resolve) => {
    let left = rooms.length;
    for (const [, guest] of rooms) {
      guest.onMessage = (m) => {
        if (m.t !== 'signal') return;
        guest.onMessage = () => undefined;
        if (--left === 0) resolve();
      };
    }
  });
  for (const [host, guest] of rooms) {
    host.send({
      t: 'signal',
      to: guest.id,
      data: { kind: 'candidate', candidate: 'candidate:1 0 udp 2122260223 10.0.0.1 5000 typ host', mid: '0' },
    });
  }
  await raceTimeout(warm, 30_000);
  for (const [, guest] of rooms) {
    guest.onMessage = (m) => {
      if (m.t !== 'signal') return;
      const sent = Number((m.data as { candidate: string }).candidate.split(' ')[1]);
      const now = performance.now();
      latencies.push(now - sent);
      if (SIGNAL_TRACE) trace.push(`${sent.toFixed(3)} ${(now - sent).toFixed(3)}`);
      if (latencies.length === signals) done();
    };
  }
  // This process's own event-loop delay while it measures: a floor under the latencies it records.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
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
  loop.disable();
  for (const [, guest] of rooms) guest.onMessage = () => undefined;
  if (SIGNAL_TRACE) await writeFile(SIGNAL_TRACE, `${trace.join('\n')}\n`);
  print({
    latencies,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
  });
}

async function main(): Promise<void> {
  const { sessions, failed } = await openMany(urls, 2 * pairs, localAddress ?? '127.0.0.1', () => undefined);
  print({ opened: sessions.length, failed });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'go') return;
    measure(sessions).catch((error: unknown) => {
      process.stderr.write(`lobby-signaler: ${String(error)}\n`);
      process.exit(1);
    });
  });
  lines.on('close', () => {
    for (const session of sessions) session.ws.terminate();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`lobby-signaler: ${String(error)}\n`);
  process.exit(1);
});
