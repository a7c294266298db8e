// A child process of `pnpm bench lobby` that opens and holds idle lobby sessions, so that one
// bench can hold more WebSocket sessions than one process has file descriptors and source ports.
// Started as `node lobby-holder.js <count> <localAddress> <url,url,...>` under a raised
// `ulimit -n`; sessions go round-robin over the URLs (several lobby processes), bound to one
// loopback source address. Prints JSON lines: {"opened":n} as it goes, then {"done":n,"failed":f}.
// Holds until stdin closes (the bench ends or dies), then exits: it never outlives the bench.
import { WebSocket } from 'ws';

const [countText, localAddress, urlList] = process.argv.slice(2);
const count = Number(countText);
const urls = (urlList ?? '').split(',').filter((u) => u.length > 0);
const sockets: WebSocket[] = [];

function open(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(false);
    }, 120_000);
    ws.on('error', () => undefined);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: 1, name: 'held' })));
    ws.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    ws.on('message', (data) => {
      // Only the welcome matters; keep the handler cheap for everything after it.
      if (!String(data).startsWith('{"t":"welcome"')) return;
      clearTimeout(timer);
      sockets.push(ws);
      resolve(true);
    });
  });
}

async function main(): Promise<void> {
  let opened = 0;
  let failed = 0;
  const batch = 100;
  for (let i = 0; i < count; i += batch) {
    const size = Math.min(batch, count - i);
    const results = await Promise.all(
      Array.from({ length: size }, (_, k) => open(urls[(i + k) % urls.length]!)),
    );
    const ok = results.filter(Boolean).length;
    opened += ok;
    failed += results.length - ok;
    process.stdout.write(`${JSON.stringify({ opened, failed })}\n`);
  }
  process.stdout.write(`${JSON.stringify({ done: opened, failed })}\n`);
}

process.stdin.resume();
process.stdin.on('end', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
main().catch((error: unknown) => {
  process.stderr.write(`lobby-holder: ${String(error)}\n`);
  process.exit(1);
});
