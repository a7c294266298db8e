// Pieces of the snapshot decoder that touch no packet bits: merging decoded records into the
// baseline's entity range, the baseline lookup, and reading one changed numeric value. Pure; the
// decoder calls them only after a record list has been read completely.
import type { BitReader } from '../bits/bit-reader.js';
import { POW2 } from '../bits/codes.js';
import { OutOfRangeError } from '../schema/field-types.js';
import { RecordOp } from './plan.js';
import type { EntitySet, EntityValue } from './types.js';

/** The records of one packet, in id order, with where each sits in the baseline. */
export interface RecordList {
  ids: readonly number[];
  types: readonly number[];
  rows: readonly (EntityValue | undefined)[];
  /** Index of the first baseline entity with an id >= the record's. */
  at: readonly number[];
  ops: readonly RecordOp[];
  count: number;
}

/** The part's entity set: baseline range [first, end) with the records applied. */
export function applyRecords(
  base: EntitySet<EntityValue>,
  first: number,
  end: number,
  rec: RecordList,
  structural: boolean,
): EntitySet<EntityValue> {
  if (!structural) {
    // Same entities as the baseline: share the id and type lists, patch the changed rows.
    const rows = base.rows.slice(first, end);
    for (let k = 0; k < rec.count; k++) rows[rec.at[k]! - first] = rec.rows[k]!;
    if (first === 0 && end === base.ids.length) return { ids: base.ids, types: base.types, rows };
    return { ids: base.ids.slice(first, end), types: base.types.slice(first, end), rows };
  }
  const ids: number[] = [];
  const types: number[] = [];
  const rows: EntityValue[] = [];
  let b = first;
  const copyTo = (stop: number) => {
    for (; b < stop; b++) {
      ids.push(base.ids[b]!);
      types.push(base.types[b]!);
      rows.push(base.rows[b]!);
    }
  };
  for (let k = 0; k < rec.count; k++) {
    const at = rec.at[k]!;
    copyTo(at);
    const op = rec.ops[k]!;
    if (op !== RecordOp.Spawn) b = at + 1;
    if (op !== RecordOp.Despawn) {
      ids.push(rec.ids[k]!);
      types.push(rec.types[k]!);
      rows.push(rec.rows[k]!);
    }
  }
  copyTo(end);
  return { ids, types, rows };
}

/** Reads one changed numeric value (see field-delta.ts for the code), with plain-number inputs. */
export function readChange(
  r: BitReader,
  qb: number,
  width: number,
  bits: number,
  maxQ: number,
  period: number,
): number {
  if (width > 0) {
    const v = r.read(width);
    if (v !== POW2[width]! - 1) {
      let q: number;
      if (width <= 29) {
        // Small values: plain int32 arithmetic (z < 2^29, qb < 2^32 so the sum stays exact).
        const z = v + 1;
        q = qb + ((z & 1) === 0 ? z >> 1 : -((z + 1) >> 1));
        if (period > 0 && period <= 0x40000000) return q & (period - 1);
      } else {
        const z = v + 1;
        q = qb + (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
      }
      if (period > 0) q = ((q % period) + period) % period;
      else if (q < 0 || q > maxQ) throw new OutOfRangeError('delta leaves the field range');
      return q;
    }
  }
  const q = r.read(bits);
  if (q > maxQ) throw new OutOfRangeError('value out of range');
  return q;
}

export function lowerBound(ids: readonly number[], value: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
