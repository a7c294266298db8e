// Reads what BitWriter wrote, from bytes that came off the network. Every read is bounds-checked:
// running past the end throws TruncatedError, which the decoders turn into a counted rejection.
// It must never read outside the given bytes or return a value wider than asked for.

/** Thrown when a packet ends before its declared content does. */
export class TruncatedError extends Error {
  override readonly name = 'TruncatedError';
}

export class BitReader {
  /** Next bit to read, counted from the start of `bytes`. */
  private pos = 0;
  private readonly end: number;

  constructor(private readonly bytes: Uint8Array) {
    this.end = bytes.length * 8;
  }

  /** Bits not yet consumed. */
  get remainingBits(): number {
    return this.end - this.pos;
  }

  read(bits: number): number {
    if (bits === 0) return 0;
    if (bits > 24) {
      const low = this.read(16);
      return low + this.read(bits - 16) * 65536;
    }
    const pos = this.pos;
    if (pos + bits > this.end) throw new TruncatedError('packet truncated');
    this.pos = pos + bits;
    const b = this.bytes;
    const i = pos >>> 3;
    // Gather up to 4 bytes little-endian; near the end only the bytes that exist.
    const word =
      i + 3 < b.length
        ? b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
        : b[i]! | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16);
    return (word >>> (pos & 7)) & ((1 << bits) - 1);
  }

  /**
   * The next 24 bits without consuming them (bits past the end read as 0), for codes whose length
   * is only known after looking (Exp-Golomb): the caller then consumes them with `skip`.
   */
  peek24(): number {
    const b = this.bytes;
    const pos = this.pos;
    const i = pos >>> 3;
    const word =
      i + 3 < b.length
        ? b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
        : (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
    return (word >>> (pos & 7)) & 0xffffff;
  }

  /** Consumes `bits` bits (at most 24) already looked at with `peek24`. */
  skip(bits: number): void {
    if (this.pos + bits > this.end) throw new TruncatedError('packet truncated');
    this.pos += bits;
  }

  /** Skips to the next byte boundary; the skipped bits must be zero padding. */
  alignToByte(): void {
    const skip = (8 - (this.pos & 7)) & 7;
    if (skip > 0 && this.read(skip) !== 0) throw new TruncatedError('non-zero padding');
  }

  readBool(): boolean {
    return this.read(1) === 1;
  }

  readBytes(count: number): Uint8Array {
    if (count * 8 > this.remainingBits) throw new TruncatedError('packet truncated');
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.read(8);
    return out;
  }

  /** True when only zero padding (less than one byte) is left: anything else is more content. */
  atCleanEnd(): boolean {
    const left = this.end - this.pos;
    if (left >= 8) return false;
    return left === 0 || this.bytes[this.bytes.length - 1]! >>> (8 - left) === 0;
  }
}
