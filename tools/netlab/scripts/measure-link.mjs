// Measures a netlab delay link's accuracy end to end (Node UDP ping at 60 Hz, 200 B), from the
// forwarder's own lateness statistics, and from kernel timestamps in the router (measure-hold.py),
// optionally while busy loops load every core. Needs a build (pnpm --filter @tickwire/netlab build).
//   node scripts/measure-link.mjs [--rtt 40] [--seconds 20] [--load N]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLink, nextMessage } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    rtt: { type: 'string', default: '40' },
    seconds: { type: 'string', default: '20' },
    load: { type: 'string', default: '0' },
  },
});
const rttMs = Number(values.rtt);
const seconds = Number(values.seconds);
const actorScript = fileURLToPath(new URL('../test/fixtures/udp-actor.mjs', import.meta.url));
const holdScript = fileURLToPath(new URL('./measure-hold.py', import.meta.url));

const busy = Array.from({ length: Number(values.load) }, () => fork('-e', ['for(;;){}'], { execArgv: [] }));
const link = await createLink({ rttMs });
let id = 0;
const ask = (child, cmd) => {
  const myId = ++id;
  const answer = nextMessage(child, (m) => m.id === myId, seconds * 1000 + 30_000);
  child.send({ ...cmd, id: myId });
  return answer;
};
try {
  const [echo, pinger] = [link.b.spawnNode(actorScript), link.a.spawnNode(actorScript)];
  await Promise.all([
    nextMessage(echo, (m) => m.ev === 'started'),
    nextMessage(pinger, (m) => m.ev === 'started'),
  ]);
  const { port } = await ask(echo, { cmd: 'bind' });
  await ask(echo, { cmd: 'echo' });
  await ask(pinger, { cmd: 'bind' });
  const capture = link.router.spawn('python3', [holdScript, String(seconds + 1), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let holdJson = '';
  capture.stdout.on('data', (chunk) => (holdJson += chunk));
  const captured = new Promise((resolve) => capture.once('close', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the capture socket open
  await link.resetStats();
  const count = Math.round(seconds * 60);
  const { rtts } = await ask(pinger, { cmd: 'ping', host: link.b.ip, port, count, intervalMs: 1000 / 60 });
  const stats = await link.stats();
  await captured;
  const sorted = [...rtts].sort((x, y) => x - y);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]?.toFixed(3);
  console.log(
    JSON.stringify(
      {
        rttMs,
        seconds,
        load: Number(values.load),
        realtime: stats.realtime,
        nodeRtt: { n: rtts.length, sent: count, min: q(0), p50: q(0.5), p99: q(0.99), max: q(1) },
        forwarderLatenessUs: stats.lateness,
        kernelHoldMs: JSON.parse(holdJson || 'null'),
      },
      null,
      1,
    ),
  );
} finally {
  for (const child of busy) child.kill('SIGKILL');
  await link.close();
}
