// Encodes what one client needs for one tick: the difference between the entity set it has
// acknowledged (the baseline) and the current one, or a full snapshot when it has none. Output is
// one packet, or several when it would not fit `maxPacketBytes`, split by entity id range so each
// part decodes alone. It never truncates: an impossible split throws.
import { BitWriter } from '../bits/bit-writer.js';
import { expGolombCost } from '../bits/codes.js';
import type { SyncSchema } from '../schema/define.js';
import type { NumericField } from '../schema/field-types.js';
import { changeCost, widthFieldBits } from './field-delta.js';
import { deltaFieldsOf, MAX_PARTS, writeHeader, type PartHeader } from './header.js';
import { DeltaPlan, RecordOp } from './plan.js';
import { writeRecords } from './record-writer.js';
import { ID_LIMIT, type EntitySet, type Snapshot } from './types.js';
import { WidthChooser, type RunParams } from './widths.js';

export interface EncodeRequest {
  tick: number;
  current: EntitySet;
  /** The snapshot to code against; undefined sends a full snapshot. */
  baseline: Snapshot | undefined;
  /**
   * Oldest tick the authority may code against later (header.ts); defaults to the baseline's.
   * Below the baseline when that is a chained tick the client has not acknowledged yet.
   */
  floorTick?: number | undefined;
  /** The baseline is a tick the client has not acknowledged (header.ts). */
  chained?: boolean;
  inputAck?: number | undefined;
  maxPacketBytes: number;
}

export interface EncodeResult {
  parts: Uint8Array[];
  spawns: number;
  updates: number;
  despawns: number;
}

/**
 * Reusable per authority (keeps scratch buffers); not re-entrant. Entity sets and baselines are
 * compared by identity within one tick: they must not be mutated after being passed in.
 */
export class SnapshotEncoder {
  private readonly plan: DeltaPlan;
  private readonly chooser: WidthChooser;
  private readonly deltaFields: number[][];
  private readonly writer = new BitWriter(2048);
  private readonly bodyWriter = new BitWriter(2048);
  private readonly lastMask: number[];
  private cache = new Map<EntitySet, Map<Snapshot | undefined, Body>>();
  private cacheTick = -1;
  /** Worst-case header bits of a multi-part packet plus the mask bits a part boundary can add. */
  private readonly splitOverheadBits: number;
  private readonly singleHeaderBits: number;

  constructor(private readonly schema: SyncSchema) {
    this.plan = new DeltaPlan(schema);
    this.deltaFields = deltaFieldsOf(schema);
    this.chooser = new WidthChooser(schema, this.deltaFields, this.plan.slotCount);
    this.lastMask = schema.types.map(() => 0);
    let widthTable = 0;
    let masks = 0;
    schema.types.forEach((type, t) => {
      widthTable += 1;
      masks += type.fields.length;
      for (const f of this.deltaFields[t]!)
        widthTable += widthFieldBits(type.fields[f] as NumericField<unknown>);
    });
    // tag, tick, baseline (flag, varuint, chained flag, varuint), parts, input ack, idK, width
    // table, record count, byte alignment.
    this.splitOverheadBits = 8 + 32 + 82 + 1 + 8 + 8 + 32 + 33 + 41 + 3 + widthTable + 40 + 7 + masks;
    // The same without the part fields and boundary masks: a one-part packet's worst case (writing
    // the header to measure it cost ~4 % of encoding).
    this.singleHeaderBits = 8 + 32 + 82 + 1 + 41 + 3 + widthTable + 40 + 7;
  }

  encode(req: EncodeRequest): EncodeResult {
    // Clients of one tick that see the same entity set and code against the same baseline get the
    // same records: those are written once, and each client's packet is its own header plus a copy.
    if (this.cacheTick !== req.tick) {
      this.cache = new Map();
      this.cacheTick = req.tick;
    }
    let byBaseline = this.cache.get(req.current);
    if (byBaseline === undefined) this.cache.set(req.current, (byBaseline = new Map()));
    let body = byBaseline.get(req.baseline);
    if (body === undefined) byBaseline.set(req.baseline, (body = this.encodeBody(req)));
    const parts: Uint8Array[] = [];
    for (let p = 0; p < body.records.length; p++) {
      const w = this.writer;
      w.reset();
      const part = body.headers[p]!;
      // Spelled out: spreading the part into a literal with more keys took microseconds a packet.
      writeHeader(w, this.schema, this.deltaFields, {
        partIndex: part.partIndex,
        partCount: part.partCount,
        count: part.count,
        lo: part.lo,
        hi: part.hi,
        idK: part.idK,
        widths: part.widths,
        tick: req.tick,
        baselineTick: req.baseline?.tick,
        chained: req.chained === true,
        floorTick: req.baseline === undefined ? undefined : (req.floorTick ?? req.baseline.tick),
        inputAck: req.inputAck,
      });
      w.writeAlignedBytes(body.records[p]!);
      parts.push(w.finish());
    }
    return { parts, spawns: body.spawns, despawns: body.despawns, updates: body.updates };
  }

  /** Plans, splits and writes the records of one (entity set, baseline) pair. */
  private encodeBody(req: EncodeRequest): Body {
    const plan = this.plan;
    plan.build(req.current, req.baseline);
    const budget = req.maxPacketBytes * 8;
    const all = this.chooser.choose(plan, 0, plan.count, 0);
    let bodyBits = all.gapBits + all.valueBits;
    for (let r = 0; r < plan.count; r++) bodyBits += plan.fixedBits[r]!;
    const headers: PartParams[] = [];
    const records: Uint8Array[] = [];
    const single = this.partParams(0, 1, 0, ID_LIMIT, all, plan.count);
    if (this.singleHeaderBits + bodyBits <= budget) {
      headers.push(single);
      records.push(this.writeBody(single, 0, plan.count));
    } else {
      const starts = this.split(all, budget - this.splitOverheadBits);
      if (starts.length > MAX_PARTS)
        throw new RangeError(`sync: tick ${req.tick} needs more than ${MAX_PARTS} packets`);
      for (let p = 0; p < starts.length; p++) {
        const from = starts[p]!;
        const to = starts[p + 1] ?? plan.count;
        const lo = p === 0 ? 0 : plan.ids[from]!;
        const hi = p + 1 < starts.length ? plan.ids[to]! : ID_LIMIT;
        const params = this.partParams(
          p,
          starts.length,
          lo,
          hi,
          this.chooser.choose(plan, from, to, lo),
          to - from,
        );
        headers.push(params);
        records.push(this.writeBody(params, from, to));
      }
    }
    let spawns = 0;
    let despawns = 0;
    for (let r = 0; r < plan.count; r++) {
      if (plan.ops[r] === RecordOp.Spawn) spawns++;
      else if (plan.ops[r] === RecordOp.Despawn) despawns++;
    }
    return { headers, records, spawns, despawns, updates: plan.count - spawns - despawns };
  }

  /** Greedy split: record start indices of each part, costed with the whole tick's widths. */
  private split(all: RunParams, partBudget: number): number[] {
    const plan = this.plan;
    const { lengths, slots } = plan;
    const starts = [0];
    let used = 0;
    let prev = -1;
    for (let r = 0; r < plan.count; r++) {
      const type = plan.types[r]!;
      let bits = plan.fixedBits[r]! + expGolombCost(plan.ids[r]! - prev - 1, all.idK);
      prev = plan.ids[r]!;
      if (plan.ops[r] === RecordOp.Update) {
        const widths = all.widths[type]!;
        const { bits: absBits } = plan.codecs[type]!;
        const offset = plan.slotOffsets[type]!;
        const end = plan.valueIndex(r + 1);
        for (let v = plan.valueIndex(r); v < end; v++) {
          const f = slots[v]! - offset;
          bits += changeCost(lengths[v]!, widths[f]!, absBits[f]!);
        }
      }
      if (bits > partBudget) throw new RangeError(`sync: entity ${plan.ids[r]} does not fit one packet`);
      if (used + bits > partBudget && r > starts[starts.length - 1]!) {
        starts.push(r);
        used = 0;
      }
      used += bits;
    }
    return starts;
  }

  private partParams(
    index: number,
    parts: number,
    lo: number,
    hi: number,
    params: RunParams,
    count: number,
  ): PartParams {
    return { partIndex: index, partCount: parts, count, lo, hi, idK: params.idK, widths: params.widths };
  }

  /** The records of one part, starting at bit 0 (they follow a byte-aligned header). */
  private writeBody(h: PartParams, from: number, to: number): Uint8Array {
    const w = this.bodyWriter;
    w.reset();
    writeRecords(w, this.plan, from, to, h, this.lastMask);
    return w.finish();
  }
}

/** The part of a header every client of one (entity set, baseline) pair shares. */
type PartParams = Pick<PartHeader, 'partIndex' | 'partCount' | 'count' | 'lo' | 'hi' | 'idK' | 'widths'>;

interface Body {
  headers: PartParams[];
  records: Uint8Array[];
  spawns: number;
  despawns: number;
  updates: number;
}
