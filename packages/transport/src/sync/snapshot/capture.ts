// Turns the authority's live entity objects into an immutable quantized snapshot. An entity whose
// quantized values equal the previous snapshot's keeps the previous row object, so unchanged
// entities cost neither allocations here nor work in the encoder. It must never mutate a row.
import type { Quantized } from '../schema/field-types.js';
import { compileCapture, type CaptureFn } from './codegen.js';
import { quantizeField, type TypeCodec } from './type-codec.js';
import type { QRow, Snapshot } from './types.js';

export interface LiveEntity {
  readonly id: number;
  readonly type: number;
  readonly state: Readonly<Record<string, unknown>>;
}

/** Quantizes one entity with the generic field tables; returns `prev` when nothing changed. */
export function captureRow(
  codec: TypeCodec,
  state: Readonly<Record<string, unknown>>,
  prev: QRow | undefined,
): QRow {
  const { fields, names } = codec;
  let q: Quantized[] | undefined = prev === undefined ? [] : undefined;
  for (let f = 0; f < fields.length; f++) {
    const value = quantizeField(codec, f, state[names[f]!]);
    if (q === undefined) {
      const before = prev![f]!;
      if (before === value) continue;
      const field = fields[f]!;
      if (!field.numeric && field.equals(before, value)) continue;
      q = prev!.slice(0, f);
    }
    q.push(value);
  }
  return q ?? prev!;
}

/** Per-type row capture: the generated function where allowed, else the generic loop. */
export class Capturer {
  private readonly fns: CaptureFn[];

  constructor(codecs: readonly TypeCodec[], generate = true) {
    this.fns = codecs.map((codec) => {
      const compiled = generate ? compileCapture(codec) : undefined;
      return compiled ?? ((state, prev) => captureRow(codec, state, prev));
    });
  }

  row(entity: LiveEntity, prev: QRow | undefined): QRow {
    return this.fns[entity.type]!(entity.state, prev);
  }
}

/**
 * Captures entities given in ascending id order (an entity never changes type), reusing rows of
 * `prev` where possible. With `sameIds` (prev's ids, when no entity was spawned or despawned
 * since), the id and type lists are shared too.
 */
export function captureSnapshot(
  capturer: Capturer,
  tick: number,
  entities: readonly LiveEntity[],
  prev: Snapshot | undefined,
  sameIds?: readonly number[],
): Snapshot {
  const rows: QRow[] = new Array<QRow>(entities.length);
  if (sameIds !== undefined && prev !== undefined && sameIds === prev.ids) {
    for (let i = 0; i < entities.length; i++) rows[i] = capturer.row(entities[i]!, prev.rows[i]);
    return { tick, ids: prev.ids, types: prev.types, rows };
  }
  const ids: number[] = new Array<number>(entities.length);
  const types: number[] = new Array<number>(entities.length);
  const prevIds = prev?.ids ?? [];
  let j = 0;
  for (let i = 0; i < entities.length; i++) {
    const entity = entities[i]!;
    while (j < prevIds.length && prevIds[j]! < entity.id) j++;
    const before = j < prevIds.length && prevIds[j] === entity.id ? prev!.rows[j] : undefined;
    ids[i] = entity.id;
    types[i] = entity.type;
    rows[i] = capturer.row(entity, before);
  }
  return { tick, ids, types, rows };
}
