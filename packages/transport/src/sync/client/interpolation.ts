// Snapshot interpolation: renders entities at a time between two received snapshots, blending
// floats linearly and angles along the shorter arc; other fields step. When the newest snapshot is
// older than the render time it extrapolates from the last two, for a bounded time only, then
// holds. Once render time is past a snapshot, the entity set shown is the next one's: an entity
// the next snapshot no longer holds (despawned, out of interest) is gone, so it is never drawn
// back at its older position after having been extrapolated further; one it newly holds appears
// at its first known value. It never mutates the snapshots' entity objects.
import type { EntityOf, EntityTypeName, SyncSchema } from '../schema/define.js';
import type { EntityValue, Snapshot } from '../snapshot/types.js';

export interface SampledEntity {
  readonly id: number;
  readonly type: string;
  readonly value: Readonly<Record<string, unknown>>;
}

/**
 * One sampled entity of schema `S`, discriminated by `type`: `if (e.type === 'ship') e.value.hp`.
 * For an untyped schema it is SampledEntity.
 */
export type SampledEntityOf<S extends SyncSchema> = {
  [K in EntityTypeName<S>]: { id: number; type: K; value: Readonly<EntityOf<S, K>> };
}[EntityTypeName<S>];

export interface Sample<E = SampledEntity> {
  /** Fractional server tick that was rendered. */
  renderTick: number;
  entities: E[];
  /** How far past the newest snapshot values were extrapolated (0 when interpolating), ms. */
  extrapolatedMs: number;
}

interface Blend {
  /** Field names blended linearly. */
  linear: string[];
  /** Angle field names, with their period and whether they decode into [-π, π). */
  angles: { name: string; signed: boolean }[];
}

const TWO_PI = Math.PI * 2;

export class InterpolationBuffer {
  private readonly snapshots: Snapshot<EntityValue>[] = [];
  private readonly blend: Blend[];

  constructor(
    private readonly schema: SyncSchema,
    private readonly tickMs: number,
    private readonly options: { capacity?: number; maxExtrapolationMs?: number } = {},
  ) {
    this.blend = schema.types.map((type) => ({
      linear: type.fieldNames.filter((_, f) => type.fields[f]!.kind === 'float'),
      angles: type.fieldNames.flatMap((name, f) => {
        const field = type.fields[f]!;
        return field.kind === 'angle' ? [{ name, signed: field.signed === true }] : [];
      }),
    }));
  }

  push(snapshot: Snapshot<EntityValue>): void {
    const last = this.snapshots[this.snapshots.length - 1];
    if (last !== undefined && snapshot.tick <= last.tick) return;
    this.snapshots.push(snapshot);
    if (this.snapshots.length > (this.options.capacity ?? 64)) this.snapshots.shift();
  }

  /** Drops snapshots no render time at or after `tick` can need (keeps the one bracketing it). */
  forgetBefore(tick: number): void {
    let drop = 0;
    while (drop + 2 < this.snapshots.length && this.snapshots[drop + 1]!.tick <= tick) drop++;
    if (drop > 0) this.snapshots.splice(0, drop);
  }

  get newestTick(): number | undefined {
    return this.snapshots[this.snapshots.length - 1]?.tick;
  }

  sample(renderTick: number): Sample {
    const list = this.snapshots;
    if (list.length === 0) return { renderTick, entities: [], extrapolatedMs: 0 };
    let i = list.length - 1;
    while (i > 0 && list[i]!.tick > renderTick) i--;
    const a = list[i]!;
    // Before the oldest snapshot held: show it as it is (never blend backwards).
    if (renderTick <= a.tick) return { renderTick, entities: this.mix(a, a, 0), extrapolatedMs: 0 };
    const b = list[i + 1];
    // Strictly between a and b: b's entity set, each blended from a (see the header).
    if (b !== undefined)
      return {
        renderTick,
        entities: this.mix(a, b, (renderTick - a.tick) / (b.tick - a.tick), true),
        extrapolatedMs: 0,
      };
    if (i === 0) return { renderTick, entities: this.mix(a, a, 0), extrapolatedMs: 0 };
    // Past the newest snapshot: continue the last motion for a bounded time.
    const prev = list[i - 1]!;
    const aheadMs = Math.min((renderTick - a.tick) * this.tickMs, this.options.maxExtrapolationMs ?? 250);
    const t = 1 + aheadMs / this.tickMs / (a.tick - prev.tick);
    return { renderTick, entities: this.mix(prev, a, t, true), extrapolatedMs: aheadMs };
  }

  /** Entities blended from `a` toward `b` by t (t > 1 extrapolates); `fromB`: use `b`'s entity set. */
  private mix(a: Snapshot<EntityValue>, b: Snapshot<EntityValue>, t: number, fromB = false): SampledEntity[] {
    const base = fromB ? b : a;
    const other = fromB ? a : b;
    const out: SampledEntity[] = [];
    let j = 0;
    for (let i = 0; i < base.ids.length; i++) {
      const id = base.ids[i]!;
      const row = base.rows[i]!;
      const type = base.types[i]!;
      while (j < other.ids.length && other.ids[j]! < id) j++;
      const match = j < other.ids.length && other.ids[j] === id ? other.rows[j]! : undefined;
      const typeName = this.schema.types[type]!.name;
      if (match === undefined || match === row || t === 0) {
        out.push({ id, type: typeName, value: row });
        continue;
      }
      const from = fromB ? match : row;
      const to = fromB ? row : match;
      out.push({ id, type: typeName, value: this.lerpValue(type, from, to, t) });
    }
    return out;
  }

  private lerpValue(
    type: number,
    from: Readonly<Record<string, unknown>>,
    to: Readonly<Record<string, unknown>>,
    t: number,
  ): Record<string, unknown> {
    const value: Record<string, unknown> = { ...(t < 1 ? from : to) };
    const blend = this.blend[type]!;
    for (const name of blend.linear) {
      const x = from[name] as number;
      value[name] = x + ((to[name] as number) - x) * t;
    }
    for (const { name, signed } of blend.angles) {
      const x = from[name] as number;
      let d = ((to[name] as number) - x) % TWO_PI;
      if (d > Math.PI) d -= TWO_PI;
      else if (d < -Math.PI) d += TWO_PI;
      let r = (x + d * t) % TWO_PI;
      if (r < 0) r += TWO_PI;
      if (signed && r >= Math.PI) r -= TWO_PI;
      value[name] = r;
    }
    return value;
  }
}
