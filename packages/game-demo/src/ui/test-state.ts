// What the page tells tests (and curious visitors in the console) on window.__tickwire: the
// session's state, the room, the ships as this player sees them, counters of what happened, the
// net metrics, frame timing (perf.take()), and a few actions. Tests assert on this, never on HUD
// text. On request it also records every frame (what was drawn, which inputs were stepped in it) so
// the browser probes can check the demo's claims frame by frame; recording is off unless a test
// turns it on.
import type { HostEvent } from '../net/messages.js';
import type { ArenaSession } from '../net/session.js';
import type { LinkConditions } from '../net/conditioner.js';
import type { ArenaView } from '../net/view.js';
import { SNAPSHOT_HZ, TICK_HZ } from '../sim/index.js';
import type { ArenaScene } from './scene.js';
import type { FramePerf } from './frame-perf.js';
import type { NetMetrics } from './net-metrics.js';

/** One input step the frame ran (the controls it sent and, with prediction on, applied). */
export interface FrameStep {
  mx: number;
  my: number;
  aim: number;
  fire: boolean;
}

/** One rendered frame as the probes need it. */
export interface FrameRecord {
  /** performance.now() when the frame was drawn, ms. */
  t: number;
  /** The sim tick the drawn world shows (interpolated snapshots: 60 Hz ticks). */
  tick: number;
  /** This player's ship as drawn (predicted when prediction is on). */
  me: { x: number; y: number } | undefined;
  ships: { player: number; x: number; y: number; vx: number; alive: boolean }[];
  steps: FrameStep[];
}

const MAX_FRAMES = 20_000;

export interface PageState {
  onEvent(event: HostEvent): void;
  onFrame(view: ArenaView | undefined, steps: FrameStep[]): void;
  onSecond(metrics: NetMetrics): void;
}

export function exposeState(session: ArenaSession, scene: ArenaScene, perf: FramePerf): PageState {
  // `inputs` and `fireInputs`: the input steps the page ran for its client (each one sent to the
  // authority while the connection is open), and those of them holding fire.
  const counters = { frames: 0, hits: 0, kills: 0, events: 0, inputs: 0, fireInputs: 0 };
  const messages: string[] = [];
  session.on('message', (text) => {
    messages.push(text);
    if (messages.length > 50) messages.shift();
  });
  /** Every session state the page went through, in order (a short "reconnecting" is not missed). */
  const states: string[] = [session.state];
  session.on('state', (state) => {
    states.push(state);
    if (states.length > 100) states.shift();
  });
  const frames: FrameRecord[] = [];
  let recording = false;
  let view: ArenaView | undefined;
  let net: NetMetrics | undefined;
  const api = {
    get state() {
      return session.state;
    },
    get sessionId() {
      return session.lobby.sessionId;
    },
    get room() {
      const room = session.room;
      return room === null
        ? null
        : { code: room.code, members: room.members.map((m) => m.name), authority: room.authority.kind };
    },
    get isHost() {
      return session.isHost;
    },
    get slot() {
      return session.client?.slot;
    },
    get roster() {
      return session.client?.roster ?? [];
    },
    get view() {
      return view;
    },
    get me() {
      return view?.me;
    },
    get ships() {
      return view?.ships ?? [];
    },
    counters,
    messages,
    /** Frame timing since the last take(): rAF deltas, update and render work (ms). */
    perf: { take: () => perf.take() },
    states,
    /** Recorded frames (see `record`). */
    frames,
    /** Starts (clearing what was kept) or stops recording every frame. */
    record(on: boolean) {
      if (on) frames.length = 0;
      recording = on;
    },
    /** The lab's current link conditions for this player. */
    get conditions() {
      return { ...session.conditions };
    },
    get net() {
      return net;
    },
    /** The aim (radians) of the last input this player sent. */
    get aim() {
      return session.client?.aimHint;
    },
    get corrections() {
      return session.client?.corrections;
    },
    get host() {
      return session.host?.stats();
    },
    get connects() {
      return session.connects;
    },
    /** Why connections to the authority ended (reason, error code), newest last. */
    get closes() {
      return [...session.closes];
    },
    actions: {
      createRoom: () => session.createRoom().then((r) => r.code),
      joinRoom: (code: string) => session.joinRoom(code).then((r) => r.code),
      quickMatch: () => session.quickMatch(),
      ready: (ready = true) => session.setReady(ready),
      addBots: (count: number) => session.addBots(count),
      leave: () => session.leave(),
      drop: () => session.dropConnection(),
      setConditions: (c: LinkConditions) => session.setConditions(c),
    },
    /** Screen position (CSS px) of an arena point: tests aim the mouse with it. */
    toScreen(x: number, y: number) {
      return { x: scene.offsetX + x * scene.scale, y: scene.offsetY + y * scene.scale };
    },
    /** True when the last frame drew (some) non-background pixels. */
    canvasPainted(): boolean {
      const canvas = scene.app.canvas;
      // Render now and copy in the same task: without preserveDrawingBuffer a WebGL canvas read
      // between frames may already be cleared (a phone context once read it blank).
      scene.app.renderer.render(scene.app.stage);
      // Every pixel, not a thumbnail: a 64x40 copy of a phone's 1688x780 canvas point-samples one
      // pixel in ~500 and saw 5 colours where the canvas held 165, so whether a ship happened to
      // fall on a sample decided the answer (under load it once answered "blank").
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d', { willReadFrequently: true });
      if (ctx === null) return false;
      ctx.drawImage(canvas, 0, 0);
      const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
      const colors = new Set<number>();
      for (let i = 0; i < data.length; i += 4)
        colors.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return colors.size > 3;
    },
  };
  (window as unknown as { __tickwire: typeof api }).__tickwire = api;
  return {
    onEvent(event) {
      counters.events++;
      if (event.type === 'hit') counters.hits++;
      if (event.type === 'kill') counters.kills++;
    },
    onFrame(v, steps) {
      view = v;
      counters.frames++;
      counters.inputs += steps.length;
      for (const step of steps) if (step.fire) counters.fireInputs++;
      if (!recording) return;
      if (frames.length >= MAX_FRAMES) frames.shift();
      frames.push({
        t: performance.now(),
        tick: v === undefined ? 0 : v.renderTick * (TICK_HZ / SNAPSHOT_HZ),
        me: v?.me === undefined ? undefined : { x: v.me.x, y: v.me.y },
        ships: (v?.ships ?? []).map((s) => ({ player: s.player, x: s.x, y: s.y, vx: s.vx, alive: s.alive })),
        steps,
      });
    },
    onSecond(m) {
      net = { ...m };
    },
  };
}
