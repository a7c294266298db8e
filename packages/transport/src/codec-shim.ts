// TEMPORARY (lead's local testing until src/codec lands)
import { Packr, Unpackr } from 'msgpackr';
import { TransportError } from './errors.js';
export interface Codec { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown }
export interface CodecOptions { mode: 'stream' | 'datagram' }
export function createCodec(o: CodecOptions): Codec {
  const p = o.mode === 'stream' ? new Packr({ sequential: true, useRecords: true }) : new Packr({ useRecords: false });
  const u = o.mode === 'stream' ? new Unpackr({ sequential: true, useRecords: true }) : new Unpackr({ useRecords: false });
  return {
    encode: (v) => p.pack(v),
    decode: (b) => { if (b.length > 3 && (b[0] === 0xdd || b[0]===0xdc)) throw new TransportError('DECODE','bomb'); try { const r = u.unpack(b); if (r && typeof r === 'object' && Object.prototype.hasOwnProperty.call(r, '__proto__')) throw new Error('proto'); return r; } catch (e) { throw new TransportError('DECODE', String(e), { cause: e }); } },
  };
}
