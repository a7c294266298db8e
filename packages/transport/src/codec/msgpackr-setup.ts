// The only place that chooses msgpackr options. The validator (tokens.ts) mirrors exactly what
// these options make msgpackr read, so change them together or not at all.
// Must never enable structuredClone, moreTypes, bundleStrings, useFloat32, getStructures/
// saveStructures or randomAccessStructure: each adds a wire form the validator refuses.

import { Packr, Unpackr } from 'msgpackr';

/**
 * - stream: records defined inline the first time a shape is seen and referenced by one byte
 *   afterwards (`sequential: true`: the decoder keeps definitions across messages; ids 0x40-0x5f
 *   are reused round-robin, and a reused id is always redefined before use).
 * - datagram: plain msgpack maps, every message stands alone.
 */
export type PackrFlavour = 'stream' | 'datagram';

/** Per-call switch for the stream Packr: objects become records only while `allowed` is true. */
export interface RecordSwitch {
  allowed: boolean;
}

export function createPackr(flavour: PackrFlavour, maxRecordKeys: number, records: RecordSwitch): Packr {
  if (flavour === 'datagram') return new Packr({ useRecords: false, variableMapSize: true });
  // A function (never `false`) keeps integers 0x40-0x7f out of the record-id byte range even when
  // an object is written as a plain map. Records only for objects with few keys: each shape costs
  // the decoder a reader. Plain maps are always understood by the stream decoder.
  const useRecords = (value: unknown): boolean => {
    if (!records.allowed) return false;
    let keys = 0;
    for (const _key in value as object) if (++keys > maxRecordKeys) return false;
    return true;
  };
  return new Packr({ sequential: true, useRecords, variableMapSize: true });
}

export function createUnpackr(flavour: PackrFlavour): Unpackr {
  // mapsAsObjects: maps become plain objects (string keys are enforced by the validator).
  // int64AsType 'number': the validator only lets safe-range 64-bit integers through.
  // copyBuffers: bin values are copies, never views pinning (or aliasing) the receive buffer.
  const common = { mapsAsObjects: true, int64AsType: 'number', copyBuffers: true } as const;
  return flavour === 'stream'
    ? new Unpackr({ ...common, sequential: true })
    : new Unpackr({ ...common, useRecords: false });
}
