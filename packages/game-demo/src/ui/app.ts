// The page: connects to the lobby the demo server names in /config.json, then wires the session
// (networking) to the scene, the HUD, the lobby screens, the netgraph and the lab. Input runs on a
// fixed 60 Hz step inside the render loop, so the local ship moves in the frame a key goes down.
// The page exposes its state on window.__tickwire for tests (never parse the HUD's text).
import { UPDATE_PRIORITY } from 'pixi.js';
import { connect } from '@tickwire/transport';
import type { HostEvent } from '../net/messages.js';
import { ArenaSession } from '../net/session.js';
import type { ArenaView } from '../net/view.js';
import { TICK_HZ } from '../sim/index.js';
import { listenControls } from './controls.js';
import { FramePerf } from './frame-perf.js';
import { Hud } from './hud.js';
import { LobbyScreens } from './lobby-screens.js';
import { NetMeter } from './net-metrics.js';
import { LabPanel, Netgraph } from './panels.js';
import { ArenaScene } from './scene.js';
import { exposeState } from './test-state.js';
import type { FrameStep } from './test-state.js';

export async function startApp(root: HTMLElement): Promise<void> {
  const params = new URLSearchParams(location.search);
  const config = (await (await fetch('./config.json')).json()) as unknown;
  const lobbyUrl =
    typeof config === 'object' && config !== null
      ? (config as Record<string, unknown>)['lobbyUrl']
      : undefined;
  if (typeof lobbyUrl !== 'string') throw new Error('no lobby configured (config.json has no lobbyUrl)');
  const name = (params.get('name') ?? `pilot-${Math.floor(Math.random() * 9000 + 1000)}`).slice(0, 24);

  const scene = await ArenaScene.create(root);
  const session = await ArenaSession.start({ lobbyUrl, name, connect });
  const overlay = document.getElementById('overlay') ?? root;
  const screens = new LobbyScreens(overlay, session, name);
  const hud = new Hud(overlay, session);
  const netgraph = new Netgraph(overlay);
  new LabPanel(overlay, session);
  const meter = new NetMeter();
  const controls = listenControls(scene.app.canvas);
  const perf = new FramePerf();
  const state = exposeState(session, scene, perf);

  let view: ArenaView | undefined;
  session.on('client', (client) => {
    client.on('event', (event: HostEvent) => {
      state.onEvent(event);
      hud.onEvent(event, view);
    });
  });

  const stepMs = 1000 / TICK_HZ;
  let pending = 0;
  let aim = 0;
  let fps = 0;
  let frames = 0;
  let fpsStart = performance.now();
  // Frame timing around the app's update (NORMAL priority) and Pixi's render (LOW).
  scene.app.ticker.add((ticker) => perf.beginFrame(ticker.elapsedMS), undefined, UPDATE_PRIORITY.HIGH);
  scene.app.ticker.add(() => perf.endRender(), undefined, UPDATE_PRIORITY.UTILITY);
  scene.app.ticker.add((ticker) => {
    const client = session.client;
    pending = Math.min(pending + ticker.deltaMS, stepMs * 6);
    if (client !== undefined && view?.me !== undefined && controls.pointer !== undefined) {
      const target = scene.toArena(controls.pointer.x, controls.pointer.y);
      aim = Math.atan2(target.y - view.me.y, target.x - view.me.x);
    }
    const steps: FrameStep[] = [];
    while (pending >= stepMs) {
      pending -= stepMs;
      const step = { mx: controls.mx, my: controls.my, aim, fire: controls.fire };
      client?.step(step);
      if (client !== undefined) steps.push(step);
    }
    view = client?.ready ? client.view() : undefined;
    if (view !== undefined) scene.draw(view);
    else
      scene.draw({
        ships: [],
        bullets: [],
        pickups: [],
        match: { round: 0, phase: 'warmup', secondsLeft: 0, simTick: 0 },
        me: undefined,
        renderTick: 0,
        entities: 0,
      });
    frames++;
    state.onFrame(view, steps);
    perf.endUpdate();
  });

  setInterval(() => {
    const now = performance.now();
    fps = Math.round((frames * 1000) / (now - fpsStart));
    frames = 0;
    fpsStart = now;
    meter.update(session.client, view?.entities ?? 0);
    netgraph.render(meter.metrics, fps);
    state.onSecond(meter.metrics);
    session.client?.report();
  }, 1000);
  setInterval(() => {
    screens.render();
    hud.render(view);
  }, 200);
  screens.render();

  const code = params.get('room');
  if (code !== null && code !== '') await session.joinRoom(code);
}
