#!/usr/bin/env node
// `tickwire-lobby`: runs a lobby from flags and environment variables until SIGINT/SIGTERM, then
// closes cleanly (clients get close code 1001 and reconnect elsewhere in Redis mode).
import { ConfigError, helpText, parseArgs } from './config/cli.js';
import { createLobbyServer } from './server/lobby-server.js';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  const server = await createLobbyServer({ ...parsed.settings, processMetrics: true });
  // Machine-readable line for scripts and benches that start the lobby as a child process.
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', port: server.port, url: server.url, node: server.nodeId })}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `tickwire-lobby failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
