// The Pixi v8 scene: the arena scaled to fit the window (and re-fitted when it changes), ships,
// bullets and pickups drawn from the view the net layer hands over each frame. Presentation only:
// it never touches the network or the simulation.
import { Application, Container, Graphics, Text } from 'pixi.js';
import { ARENA, SHIP, BULLET, PICKUP } from '../sim/index.js';
import type { ArenaView } from '../net/view.js';

const COLORS = [0x4cc9f0, 0xf72585, 0xb5e48c, 0xffb703, 0x9b5de5, 0x00f5d4, 0xfb8500, 0xe9ff70];
export const colorOf = (player: number): number => COLORS[(player - 1 + COLORS.length) % COLORS.length]!;

export class ArenaScene {
  readonly world = new Container();
  private readonly floor = new Graphics();
  private readonly shapes = new Graphics();
  private readonly labels = new Map<number, Text>();
  private readonly labelLayer = new Container();
  /** Screen pixels per arena unit, and the arena's top-left corner on screen. */
  scale = 1;
  offsetX = 0;
  offsetY = 0;

  constructor(readonly app: Application) {
    this.world.addChild(this.floor, this.shapes, this.labelLayer);
    app.stage.addChild(this.world);
    this.drawFloor();
    this.fit();
    app.renderer.on('resize', () => this.fit());
  }

  static async create(parent: HTMLElement): Promise<ArenaScene> {
    const app = new Application();
    await app.init({
      resizeTo: window,
      background: '#0b0e14',
      antialias: true,
      autoDensity: true,
      resolution: Math.min(2, window.devicePixelRatio || 1),
      // Lets tests (and the screenshot) read the canvas back after a frame.
      preserveDrawingBuffer: true,
    });
    parent.appendChild(app.canvas);
    return new ArenaScene(app);
  }

  /** Arena coordinates of a point on the screen (for aiming). */
  toArena(screenX: number, screenY: number): { x: number; y: number } {
    return { x: (screenX - this.offsetX) / this.scale, y: (screenY - this.offsetY) / this.scale };
  }

  draw(view: ArenaView): void {
    const g = this.shapes.clear();
    for (const p of view.pickups) {
      if (!p.active) continue;
      const color = p.kind === 'heal' ? 0x80ed99 : 0xffd166;
      g.circle(p.x, p.y, PICKUP.radius).fill({ color, alpha: 0.25 }).stroke({ width: 2, color });
      if (p.kind === 'heal')
        g.rect(p.x - 7, p.y - 2, 14, 4)
          .rect(p.x - 2, p.y - 7, 4, 14)
          .fill(color);
      else
        g.poly([
          p.x - 3,
          p.y - 9,
          p.x + 5,
          p.y - 1,
          p.x,
          p.y,
          p.x + 3,
          p.y + 9,
          p.x - 5,
          p.y + 1,
          p.x,
          p.y,
        ]).fill(color);
    }
    for (const b of view.bullets) g.circle(b.x, b.y, BULLET.radius).fill(colorOf(b.owner));
    const seen = new Set<number>();
    for (const s of view.ships) {
      seen.add(s.player);
      const color = colorOf(s.player);
      const label = this.label(s.player);
      label.visible = s.alive;
      if (!s.alive) continue;
      const r = SHIP.radius;
      const c = Math.cos(s.angle);
      const n = Math.sin(s.angle);
      const pt = (fx: number, fy: number) => [s.x + fx * c - fy * n, s.y + fx * n + fy * c];
      g.poly([...pt(r * 1.3, 0), ...pt(-r * 0.9, r * 0.85), ...pt(-r * 0.45, 0), ...pt(-r * 0.9, -r * 0.85)])
        .fill({ color, alpha: 0.9 })
        .stroke({ width: s.player === view.me?.player ? 3 : 1.5, color: 0xffffff, alpha: s.rapid ? 1 : 0.6 });
      // Health bar.
      g.rect(s.x - r, s.y + r + 6, r * 2, 4).fill({ color: 0x000000, alpha: 0.6 });
      g.rect(s.x - r, s.y + r + 6, (r * 2 * s.hp) / SHIP.maxHp, 4).fill(s.hp > 35 ? 0x80ed99 : 0xef476f);
      label.text = s.name;
      label.position.set(s.x, s.y - r - 16);
    }
    for (const [player, label] of this.labels) {
      if (seen.has(player)) continue;
      label.destroy();
      this.labels.delete(player);
    }
  }

  private label(player: number): Text {
    let label = this.labels.get(player);
    if (label === undefined) {
      label = new Text({
        text: '',
        style: { fill: 0xd7dce5, fontSize: 14, fontFamily: 'system-ui, sans-serif' },
      });
      label.anchor.set(0.5, 1);
      this.labelLayer.addChild(label);
      this.labels.set(player, label);
    }
    return label;
  }

  private drawFloor(): void {
    const g = this.floor;
    g.rect(0, 0, ARENA.width, ARENA.height).fill(0x121722);
    for (let x = 100; x < ARENA.width; x += 100) g.moveTo(x, 0).lineTo(x, ARENA.height);
    for (let y = 100; y < ARENA.height; y += 100) g.moveTo(0, y).lineTo(ARENA.width, y);
    g.stroke({ width: 1, color: 0x1f2736 });
    g.rect(0, 0, ARENA.width, ARENA.height).stroke({ width: 4, color: 0x3a86ff });
  }

  private fit(): void {
    const { width, height } = this.app.screen;
    const margin = 12;
    this.scale = Math.min((width - margin * 2) / ARENA.width, (height - margin * 2) / ARENA.height);
    this.offsetX = (width - ARENA.width * this.scale) / 2;
    this.offsetY = (height - ARENA.height * this.scale) / 2;
    this.world.scale.set(this.scale);
    this.world.position.set(this.offsetX, this.offsetY);
  }
}
