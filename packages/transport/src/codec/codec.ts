// createCodec: msgpackr values in and out of a connection's data channels, with every untrusted
// message validated (scan.ts) before msgpackr reads it and every outgoing value checked
// (check-value.ts, then the validator on the output) so the peer never refuses what this side sends.
// Must never throw anything but TransportError (ENCODE / DECODE / INVALID_OPTIONS), never hand
// msgpackr unvalidated bytes, and, in stream mode, never let the two sides' record state drift.

import { TransportError, TransportErrorCode } from '../errors.js';
import { checkEncodable } from './check-value.js';
import { decodeError, decodeFailure, encodeError, selfCheckFailed, tooLarge } from './codec-errors.js';
import { resolveLimits } from './limits.js';
import { createPackr, createUnpackr } from './msgpackr-setup.js';
import type { RecordSwitch } from './msgpackr-setup.js';
import { DecodeRefusal } from './reasons.js';
import { chargeRecordBudget, initialRecordBudget } from './record-budget.js';
import { emptyRecordSlots, scanMessage } from './scan.js';
import type { RecordSlots } from './scan.js';
import { CodecMode } from './types.js';
import type { Codec, CodecOptions, EncodeOptions } from './types.js';

/** Record state of one direction of a stream: ids the decoder knows and its definition budget. */
interface StreamState {
  records: RecordSlots;
  budget: number;
}

export function createCodec(options: CodecOptions): Codec {
  const mode = options.mode;
  if (mode !== CodecMode.Stream && mode !== CodecMode.Datagram) {
    throw new TransportError(TransportErrorCode.InvalidOptions, `unknown codec mode ${String(mode)}`, {
      details: { mode },
    });
  }
  const limits = resolveLimits(options.limits);
  const stream = mode === CodecMode.Stream;
  const recordSwitch: RecordSwitch = { allowed: true };
  let packr = createPackr(mode, limits.maxRecordKeys, recordSwitch);
  let unpackr = createUnpackr(mode);
  // What the peer's decoder knows (a mirror advanced by every message encode() returns) and what
  // this side's decoder knows. Datagram mode has no records: both stay empty and unused.
  let peer: StreamState = { records: emptyRecordSlots(), budget: initialRecordBudget(limits) };
  let own: StreamState = { records: emptyRecordSlots(), budget: initialRecordBudget(limits) };

  /**
   * Validates one message against a direction's state (throws ScanRefusal); returns the state to
   * adopt once the message is used, or undefined when it overdraws the definition budget.
   */
  const admit = (bytes: Uint8Array, state: StreamState): StreamState | undefined => {
    if (!stream) {
      scanMessage(bytes, limits, null);
      return state;
    }
    const records = state.records.slice();
    const definitions = scanMessage(bytes, limits, records);
    const budget = chargeRecordBudget(state.budget, bytes.byteLength, definitions, limits);
    return budget < 0 ? undefined : { records, budget };
  };

  // A fresh sequential Packr defines every shape before referencing it, so the peer (which keeps
  // its older definitions) reads the following messages correctly without being told.
  const resetEncoder = (): void => {
    if (stream) packr = createPackr(mode, limits.maxRecordKeys, recordSwitch);
  };

  const pack = (value: unknown, maxBytes: number): Uint8Array => {
    let bytes: Uint8Array;
    try {
      bytes = packr.pack(value);
    } catch (error) {
      resetEncoder(); // msgpackr may have assigned record ids the peer will never see
      throw encodeError(error);
    }
    if (bytes.byteLength > maxBytes) {
      resetEncoder();
      throw tooLarge(bytes.byteLength, maxBytes);
    }
    return bytes;
  };

  const encode = (value: unknown, encodeOptions: EncodeOptions = {}): Uint8Array => {
    try {
      checkEncodable(value, limits);
    } catch (error) {
      throw encodeError(error);
    }
    const maxBytes = Math.min(encodeOptions.maxBytes ?? Infinity, limits.maxBytes);
    let bytes = pack(value, maxBytes);
    try {
      let next = admit(bytes, peer);
      if (next === undefined) {
        // Over the peer's definition budget: send this one as plain maps (never refused).
        resetEncoder();
        recordSwitch.allowed = false;
        try {
          bytes = pack(value, maxBytes);
        } finally {
          recordSwitch.allowed = true;
        }
        next = admit(bytes, peer);
        if (next === undefined) throw new Error('a message without definitions overdrew the budget');
      }
      peer = next;
    } catch (error) {
      resetEncoder();
      throw error instanceof TransportError ? error : selfCheckFailed(error);
    }
    return bytes;
  };

  // A refused stream message may have (re)defined records that later messages use. Forgetting
  // every definition turns any such later reference into an 'unknown-record' refusal instead of a
  // misread; messages without references, and shapes the sender defines again, decode as usual.
  // The budget is kept, so provoking refusals never buys a hostile peer more definitions.
  const forgetRecords = (): void => {
    own = { records: emptyRecordSlots(), budget: own.budget };
    unpackr = createUnpackr(mode);
  };

  const decode = (bytes: Uint8Array): unknown => {
    if (!(bytes instanceof Uint8Array))
      throw decodeFailure(DecodeRefusal.NotBytes, 'decode expects a Uint8Array');
    // Our own view: msgpackr caches a DataView on its input, and bin copies come out as Uint8Array.
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    try {
      const next = admit(view, own);
      if (next === undefined) {
        throw decodeFailure(
          DecodeRefusal.RecordBudget,
          'more record definitions than the stream budget allows',
        );
      }
      own = next;
      return unpackr.unpack(view);
    } catch (error) {
      if (stream) forgetRecords();
      throw error instanceof TransportError ? error : decodeError(error);
    }
  };

  const { maxBytes, maxDepth, maxItems, maxRecordKeys, recordDefinitionBurst, bytesPerRecordDefinition } =
    limits;
  const publicLimits = Object.freeze({
    maxBytes,
    maxDepth,
    maxItems,
    maxRecordKeys,
    recordDefinitionBurst,
    bytesPerRecordDefinition,
    forbiddenKeys: Object.freeze([...limits.forbiddenKeys]),
  });
  return { mode, limits: publicLimits, encode, decode, resetEncoder } satisfies Codec;
}
