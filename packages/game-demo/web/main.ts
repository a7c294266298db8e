// The demo page: an authority and a client, both in this page, joined by a real WebRTC connection
// through tickwire's browser build. The authority simulates the world and streams state over the
// unreliable channel at 30 Hz; the client sends pointer input back and renders what it receives.
import { Application, Graphics } from 'pixi.js';
import { LobbyClient } from '@tickwire/lobby-server/client';
import { connect, createSignalerPair } from '@tickwire/transport/browser';
import type { Connection } from '@tickwire/transport/browser';

interface Dot {
  x: number;
  y: number;
  vx: number;
  vy: number;
}
interface WorldState {
  tick: number;
  dots: Array<[number, number]>;
  player: [number, number];
}

const hud = document.getElementById('hud')!;
const TICK_HZ = 30;

async function main(): Promise<void> {
  const app = new Application();
  await app.init({ resizeTo: window, background: '#10131a', antialias: true });
  document.body.appendChild(app.canvas);

  const [sa, sc] = createSignalerPair();
  const authority = connect({ role: 'offerer', signaler: sa, label: 'authority' });
  const client = connect({ role: 'answerer', signaler: sc, label: 'client' });
  await Promise.all([authority.opened, client.opened]);
  document.body.dataset['state'] = 'open';

  const lobby = joinLobby();
  const world = simulate(authority);
  const view = render(app, client);
  window.addEventListener('pointermove', (e) => {
    client.send('unreliable', { px: e.clientX, py: e.clientY });
  });
  setInterval(() => {
    const s = client.stats();
    hud.textContent =
      `tickwire demo — authority → client over a real WebRTC data channel\n` +
      `tick ${world.tick}   rtt ${s.rttMs?.toFixed(2) ?? '…'} ms   jitter ${s.jitterMs.toFixed(2)} ms   ` +
      `loss ${(s.lossFraction * 100).toFixed(1)}%\n` +
      `state in ${(s.receiveBytesPerSecond / 1024).toFixed(1)} KiB/s   delivered ${s.unreliable.delivered}   ` +
      `late/out-of-order discarded ${s.unreliable.discardedStale + s.unreliable.discardedOutOfOrder}\n` +
      `move the pointer: input goes client → authority, state comes back (${view.frames} frames)\n` +
      `lobby: ${lobby.status}`;
    // The flags are set with the text they describe, so whoever waits for one finds it in the HUD.
    document.body.dataset['rtt'] = String(s.rttMs ?? '');
    if (lobby.connected) document.body.dataset['lobby'] = 'connected';
  }, 250);
}

/** Connects to the lobby the demo server started (its URL comes from /config.json). */
function joinLobby(): { status: string; connected: boolean } {
  const state = { status: 'connecting…', connected: false };
  void (async () => {
    const config = (await (await fetch('./config.json')).json()) as { lobbyUrl: string | null };
    if (!config.lobbyUrl) {
      state.status = 'none configured';
      return;
    }
    const client = await LobbyClient.connect({ url: config.lobbyUrl, name: 'demo-player' });
    state.status = `connected as ${client.sessionId.slice(0, 8)}… (${config.lobbyUrl})`;
    state.connected = true;
  })().catch((error: unknown) => {
    state.status = `unavailable (${String(error)})`;
  });
  return state;
}

function simulate(conn: Connection): { tick: number } {
  const dots: Dot[] = Array.from({ length: 24 }, () => ({
    x: Math.random() * innerWidth,
    y: Math.random() * innerHeight,
    vx: (Math.random() - 0.5) * 240,
    vy: (Math.random() - 0.5) * 240,
  }));
  const player: [number, number] = [innerWidth / 2, innerHeight / 2];
  let target: [number, number] = [...player];
  conn.on('message', ({ data }) => {
    const input = data as { px?: unknown; py?: unknown };
    if (typeof input.px === 'number' && typeof input.py === 'number') target = [input.px, input.py];
  });
  const state = { tick: 0 };
  setInterval(() => {
    const dt = 1 / TICK_HZ;
    for (const d of dots) {
      d.x += d.vx * dt;
      d.y += d.vy * dt;
      if (d.x < 0 || d.x > innerWidth) d.vx = -d.vx;
      if (d.y < 0 || d.y > innerHeight) d.vy = -d.vy;
    }
    player[0] += (target[0] - player[0]) * 0.3;
    player[1] += (target[1] - player[1]) * 0.3;
    state.tick += 1;
    const msg: WorldState = {
      tick: state.tick,
      dots: dots.map((d) => [Math.round(d.x), Math.round(d.y)]),
      player: [Math.round(player[0]), Math.round(player[1])],
    };
    conn.send('unreliable', msg);
  }, 1000 / TICK_HZ);
  return state;
}

function render(app: Application, conn: Connection): { frames: number } {
  const g = new Graphics();
  app.stage.addChild(g);
  let latest: WorldState | undefined;
  conn.on('message', ({ data }) => {
    latest = data as WorldState;
  });
  const view = { frames: 0 };
  app.ticker.add(() => {
    if (!latest) return;
    g.clear();
    for (const [x, y] of latest.dots) g.circle(x, y, 6).fill(0x4cc9f0);
    g.circle(latest.player[0], latest.player[1], 12).fill(0xf72585);
    view.frames += 1;
  });
  return view;
}

main().catch((error: unknown) => {
  hud.textContent = `failed: ${String(error)}`;
  document.body.dataset['state'] = 'failed';
});
