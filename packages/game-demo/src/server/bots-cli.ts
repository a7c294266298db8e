#!/usr/bin/env node
// `pnpm --filter @tickwire/game-demo bots --count N --room CODE [--lobby ws://…]`: starts N
// headless bots that join room CODE (or quick-match without --room) and play until Ctrl-C.
import { parseArgs } from 'node:util';
import { startBots } from './bots.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '3' },
    room: { type: 'string' },
    lobby: { type: 'string', default: process.env['LOBBY_URL'] ?? 'ws://127.0.0.1:8787/' },
  },
});
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > 64) {
  console.error('--count must be an integer 1..64');
  process.exit(2);
}
const bots = await startBots({
  lobbyUrl: values.lobby,
  count,
  ...(values.room === undefined ? {} : { room: values.room }),
});
console.log(
  `${count} bots ${values.room ? `joined room ${values.room}` : 'queued for a quick match'} (Ctrl-C to stop)`,
);
const stop = () => {
  bots.close();
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
