// A bot process of the game suites: the arena's own headless bots (game-demo's startBots), each a
// full player: its own lobby session, quick match, a WebRTC connection to the match's authority,
// prediction and interpolation, and the shared bot brain's inputs at 60 Hz. Several of these run
// next to the server process, so their CPU is not the server's.
import { startBots } from '@tickwire/game-demo';
import type { Bots } from '@tickwire/game-demo';
import { startWorker } from '../../ipc/worker.js';
import { releaseNative } from '../../peers/native.js';

startWorker(({ ipc, onShutdown }) => {
  onShutdown(async () => void (await releaseNative()));
  const groups: Bots[] = [];
  onShutdown(() => {
    for (const bots of groups) bots.close();
  });

  /** Starts `count` more bots that queue for a quick match; resolves once all are queued. */
  ipc.handle(
    'add',
    async ({ lobbyUrl, count, prefix }: { lobbyUrl: string; count: number; prefix: string }) => {
      groups.push(await startBots({ lobbyUrl, count, namePrefix: prefix }));
      return true;
    },
  );

  /** Bots of this process whose session is playing. */
  ipc.handle('playing', () =>
    groups.reduce((n, bots) => n + bots.sessions.filter((s) => s.state === 'playing').length, 0),
  );
});
