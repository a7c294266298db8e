// Reads what BitWriter wrote, from bytes that came off the network. Every read is bounds-checked:
// running past the end throws TruncatedError, which the decoders turn into a counted rejection.
// It must never read outside the given bytes or return a value wider than asked for.

const POW2: number[] = Array.from({ length: 54 }, (_, i) => 2 ** i);

/** Thrown when a packet ends before its declared content does. */
export class TruncatedError extends Error {
  override readonly name = 'TruncatedError';
}

export class BitReader {
  private pos = 0;
  private scratch = 0;
  private scratchBits = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Bits not yet consumed. */
  get remainingBits(): number {
    return (this.bytes.length - this.pos) * 8 + this.scratchBits;
  }

  read(bits: number): number {
    if (bits === 0) return 0;
    while (this.scratchBits < bits) {
      if (this.pos >= this.bytes.length) throw new TruncatedError('packet truncated');
      this.scratch += this.bytes[this.pos++]! * POW2[this.scratchBits]!;
      this.scratchBits += 8;
    }
    const div = POW2[bits]!;
    const value = this.scratch % div;
    this.scratch = (this.scratch - value) / div;
    this.scratchBits -= bits;
    return value;
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

  /** True when only zero padding (less than one byte) is left: anything else is trailing junk. */
  atCleanEnd(): boolean {
    return this.pos === this.bytes.length && this.scratchBits < 8 && this.scratch === 0;
  }
}
