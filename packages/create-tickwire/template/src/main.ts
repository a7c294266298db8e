// The browser client: joins the game, sends the arrow keys (or WASD) as input once per tick, and
// draws every ship where state sync says it is, interpolated between snapshots. Yours is ringed.
import { Application, Graphics, Text } from 'pixi.js';
import { SHIP_RADIUS, TICK_RATE, WORLD } from '../shared/game';
import { joinGame } from './join';

const app = new Application();
await app.init({ width: WORLD.width, height: WORLD.height, background: '#10131a', antialias: true });
document.body.appendChild(app.canvas);
const status = new Text({ text: 'joining…', style: { fill: '#9aa4b2', fontSize: 14 } });
status.position.set(8, 8);
app.stage.addChild(status);

const lobbyUrl = `ws://${location.hostname}:${import.meta.env.VITE_LOBBY_PORT ?? '8787'}`;
const game = await joinGame({ lobbyUrl });

// Input: which arrow keys are held, sent once per tick.
const held = new Set<string>();
addEventListener('keydown', (e) => held.add(e.key));
addEventListener('keyup', (e) => held.delete(e.key));
const axis = (minus: string[], plus: string[]) =>
  (plus.some((k) => held.has(k)) ? 1 : 0) - (minus.some((k) => held.has(k)) ? 1 : 0);
setInterval(() => {
  game.sync.sendInput({
    dx: axis(['ArrowLeft', 'a'], ['ArrowRight', 'd']),
    dy: axis(['ArrowUp', 'w'], ['ArrowDown', 's']),
  });
}, 1000 / TICK_RATE);

// Rendering: one circle per ship, redrawn every frame from the interpolated sample.
const ships = new Graphics();
app.stage.addChild(ships);
app.ticker.add(() => {
  const { entities } = game.sync.sample();
  ships.clear();
  for (const ship of entities) {
    const color = `hsl(${ship.value.hue}, 80%, 60%)`;
    ships.circle(ship.value.x, ship.value.y, SHIP_RADIUS).fill(color);
    if (ship.id === game.sync.self) {
      ships.circle(ship.value.x, ship.value.y, SHIP_RADIUS + 6).stroke({ color: '#ffffff', width: 2 });
    }
  }
  const rtt = game.connection.stats().rttMs;
  status.text = `${entities.length} player(s) · rtt ${rtt === undefined ? '…' : rtt.toFixed(1)} ms · arrow keys to move`;
});
