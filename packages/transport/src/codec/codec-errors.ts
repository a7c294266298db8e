// Turns the codec's internal refusals into the TransportErrors callers see. Must never leak a
// non-TransportError and never put untrusted bytes or user values into messages (only offsets,
// reasons and key paths).

import { TransportError, TransportErrorCode } from '../errors.js';
import { formatPath, ValueRefusal } from './check-value.js';
import { ScanRefusal } from './cursor.js';
import { DecodeRefusal, EncodeRefusal } from './reasons.js';

export function decodeError(error: unknown): TransportError {
  if (error instanceof ScanRefusal) {
    return new TransportError(TransportErrorCode.Decode, `cannot decode message: ${error.message}`, {
      details: { reason: error.reason, offset: error.offset },
    });
  }
  return decodeFailure(DecodeRefusal.Internal, 'msgpackr or the validator failed on this message', error);
}

export function decodeFailure(reason: DecodeRefusal, message: string, cause?: unknown): TransportError {
  return new TransportError(TransportErrorCode.Decode, `cannot decode message: ${message}`, {
    cause,
    details: { reason },
  });
}

export function encodeError(error: unknown): TransportError {
  if (error instanceof ValueRefusal) {
    const path = formatPath(error.path);
    return new TransportError(TransportErrorCode.Encode, `cannot encode value at ${path}: ${error.reason}`, {
      details: { reason: error.reason, path },
    });
  }
  return new TransportError(TransportErrorCode.Encode, 'cannot encode value', {
    cause: error,
    details: { reason: EncodeRefusal.Internal },
  });
}

export function tooLarge(size: number, limit: number): TransportError {
  return new TransportError(TransportErrorCode.Encode, `encoded message is ${size} bytes, limit ${limit}`, {
    details: { reason: EncodeRefusal.TooLarge, limit, size },
  });
}

/** The encoder produced bytes the peer would refuse: a tickwire bug, reported, never sent. */
export function selfCheckFailed(error: unknown): TransportError {
  return new TransportError(TransportErrorCode.Encode, 'encoder output failed the decoder-side check', {
    cause: error,
    details: {
      reason: EncodeRefusal.SelfCheck,
      check: error instanceof ScanRefusal ? error.reason : undefined,
    },
  });
}
