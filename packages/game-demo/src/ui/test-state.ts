// What the page tells tests (and curious visitors in the console) on window.__tickwire: the
// session's state, the room, the ships as this player sees them, counters of what happened, the
// net metrics, frame timing (perf.take()), and a few actions. Tests assert on this, never on HUD text.
import type { HostEvent } from '../net/messages.js';
import type { ArenaSession } from '../net/session.js';
import type { LinkConditions } from '../net/conditioner.js';
import type { ArenaView } from '../net/view.js';
import type { ArenaScene } from './scene.js';
import type { FramePerf } from './frame-perf.js';
import type { NetMetrics } from './net-metrics.js';

export interface PageState {
  onEvent(event: HostEvent): void;
  onFrame(view: ArenaView | undefined): void;
  onSecond(metrics: NetMetrics): void;
}

export function exposeState(session: ArenaSession, scene: ArenaScene, perf: FramePerf): PageState {
  const counters = { frames: 0, hits: 0, kills: 0, events: 0 };
  const messages: string[] = [];
  session.on('message', (text) => {
    messages.push(text);
    if (messages.length > 50) messages.shift();
  });
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
    get net() {
      return net;
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
      const copy = document.createElement('canvas');
      copy.width = 64;
      copy.height = 40;
      const ctx = copy.getContext('2d');
      if (ctx === null) return false;
      ctx.drawImage(canvas, 0, 0, 64, 40);
      const data = ctx.getImageData(0, 0, 64, 40).data;
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
    onFrame(v) {
      view = v;
      counters.frames++;
    },
    onSecond(m) {
      net = { ...m };
    },
  };
}
