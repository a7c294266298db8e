// Chooses the per-packet coding parameters of one run of plan records: a delta width per numeric
// field (from a histogram of the bits each change needs) and the Exp-Golomb order of the id gaps.
// Pure arithmetic over the plan; the writer and the splitter both use it.
import { expGolombCost } from '../bits/codes.js';
import type { SyncSchema } from '../schema/define.js';
import { chooseWidth, HIST_SLOTS } from './field-delta.js';
import { RecordOp, type DeltaPlan } from './plan.js';

export interface RunParams {
  /** Per type: width per field index, or undefined when the run has no update of that type. */
  widths: (number[] | undefined)[];
  /** Bits the chosen widths spend on all delta values of the run. */
  valueBits: number;
  idK: number;
  gapBits: number;
}

export class WidthChooser {
  private readonly hist: Int32Array;
  private readonly present: boolean[];

  constructor(
    private readonly schema: SyncSchema,
    private readonly deltaFields: number[][],
    slotCount: number,
  ) {
    this.hist = new Int32Array(slotCount * HIST_SLOTS);
    this.present = schema.types.map(() => false);
  }

  /** Parameters for records [from, to) whose first id gap is measured from `lo`. */
  choose(plan: DeltaPlan, from: number, to: number, lo: number): RunParams {
    const hist = this.hist;
    hist.fill(0);
    const present = this.present.fill(false);
    for (let r = from; r < to; r++) if (plan.ops[r] === RecordOp.Update) present[plan.types[r]!] = true;
    // The delta codes of records [from, to) are contiguous in the plan.
    const end = plan.valueIndex(to);
    const { lengths, slots } = plan;
    for (let v = plan.valueIndex(from); v < end; v++) hist[slots[v]! * HIST_SLOTS + lengths[v]!]! += 1;
    const widths: (number[] | undefined)[] = [];
    let valueBits = 0;
    for (let t = 0; t < this.schema.types.length; t++) {
      if (!present[t]) {
        widths.push(undefined);
        continue;
      }
      const fields = this.schema.types[t]!.fields;
      const row: number[] = new Array<number>(fields.length).fill(0);
      for (const f of this.deltaFields[t]!) {
        const field = fields[f]!;
        const { width, cost } = chooseWidth(
          hist,
          (plan.slotOffsets[t]! + f) * HIST_SLOTS,
          field.numeric ? field.bits : 0,
        );
        row[f] = width;
        valueBits += cost;
      }
      widths.push(row);
    }
    const { idK, gapBits } = chooseIdK(plan, from, to, lo);
    return { widths, valueBits, idK, gapBits };
  }
}

/** Exp-Golomb order for the id gaps: the cost is unimodal in k, so stop at the first rise. */
function chooseIdK(plan: DeltaPlan, from: number, to: number, lo: number): { idK: number; gapBits: number } {
  let best = Infinity;
  let bestK = 0;
  for (let k = 0; k < 8; k++) {
    let cost = 0;
    let prev = lo - 1;
    for (let r = from; r < to; r++) {
      const id = plan.ids[r]!;
      cost += expGolombCost(id - prev - 1, k);
      prev = id;
    }
    if (cost >= best) break;
    best = cost;
    bestK = k;
  }
  return { idK: bestK, gapBits: from === to ? 0 : best };
}
