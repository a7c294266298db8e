// Headless bots: real players without a screen. Each goes through the lobby like a browser does
// (join a room by code, or quick match), connects to the room's authority over WebRTC
// (node-datachannel), readies up and plays with the shared bot brain, reading only what its sync
// client shows it. For load tests, and so a lonely visitor has opponents.
import { connect } from '@tickwire/transport';
import { ArenaSession } from '../net/session.js';
import { botInput, TICK_HZ } from '../sim/index.js';

export interface BotsOptions {
  lobbyUrl: string;
  count: number;
  /** Room code to join; without it each bot quick-matches. */
  room?: string;
  namePrefix?: string;
}

export interface Bots {
  readonly sessions: readonly ArenaSession[];
  close(): void;
}

export async function startBots(options: BotsOptions): Promise<Bots> {
  const sessions: ArenaSession[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  const close = () => {
    for (const timer of timers) clearInterval(timer);
    for (const session of sessions) session.close();
  };
  try {
    for (let i = 0; i < options.count; i++) {
      const name = `${options.namePrefix ?? 'bot'}-${i + 1}`;
      const session = await ArenaSession.start({ lobbyUrl: options.lobbyUrl, name, connect, botsAfterMs: 0 });
      sessions.push(session);
      session.setReady(true);
      if (options.room !== undefined) await session.joinRoom(options.room);
      else await session.quickMatch();
      let tick = 0;
      timers.push(
        setInterval(() => {
          const client = session.client;
          if (client === undefined || !client.ready) return;
          const view = client.view();
          if (view.me === undefined) return;
          const others = view.ships.filter((s) => s.player !== view.me!.player);
          const input = botInput({ self: view.me, others, pickups: view.pickups, tick: tick++ }, i + 1);
          client.step({ mx: input.mx, my: input.my, aim: input.aim, fire: input.fire });
        }, 1000 / TICK_HZ),
      );
    }
  } catch (error) {
    close();
    throw error;
  }
  return { sessions, close };
}
