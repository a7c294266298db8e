#!/usr/bin/env node
// `pnpm --filter @tickwire/game-demo start`: serves the demo and prints where to open it.
import { startDemoServer } from './serve.js';

const port = Number(process.env['PORT'] ?? 8080);
const host = process.env['HOST'] ?? '127.0.0.1';
const demo = await startDemoServer({ port, host });
console.log(`tickwire demo: open ${demo.url}`);
const stop = (): void => {
  void demo.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
