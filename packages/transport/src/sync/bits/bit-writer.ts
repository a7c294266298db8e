// Packs unsigned integers of 0-32 bits into bytes, least significant bit first. The sync codec
// writes every packet through this so values cost their information, not a whole byte each.
// It must never silently drop bits: a value that does not fit its width is a programming error.

const POW2: number[] = Array.from({ length: 54 }, (_, i) => 2 ** i);

export class BitWriter {
  private buffer: Uint8Array;
  private length = 0;
  /** Pending bits not yet flushed into `buffer`, kept as a number below 2^40 (exact in a double). */
  private scratch = 0;
  private scratchBits = 0;

  constructor(initialBytes = 256) {
    this.buffer = new Uint8Array(initialBytes);
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.length * 8 + this.scratchBits;
  }

  reset(): void {
    this.length = 0;
    this.scratch = 0;
    this.scratchBits = 0;
  }

  /** Writes `value` (an integer in [0, 2^bits)) in `bits` bits, 0 <= bits <= 32. */
  write(value: number, bits: number): void {
    if (bits === 0) return;
    if (bits > 32 || value < 0 || value >= POW2[bits]! || !Number.isInteger(value)) {
      throw new RangeError(`BitWriter: ${value} does not fit in ${bits} bits`);
    }
    this.scratch += value * POW2[this.scratchBits]!;
    this.scratchBits += bits;
    while (this.scratchBits >= 8) {
      if (this.length === this.buffer.length) this.grow();
      const low = this.scratch & 0xff;
      this.buffer[this.length++] = low;
      this.scratch = (this.scratch - low) / 256;
      this.scratchBits -= 8;
    }
  }

  writeBool(value: boolean): void {
    this.write(value ? 1 : 0, 1);
  }

  /** Copies whole bytes (written bit-aligned, so they need not start on a byte boundary). */
  writeBytes(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.write(bytes[i]!, 8);
  }

  /** The written bits, zero-padded to a whole byte, as a fresh array. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length + (this.scratchBits > 0 ? 1 : 0));
    out.set(this.buffer.subarray(0, this.length));
    if (this.scratchBits > 0) out[this.length] = this.scratch;
    return out;
  }

  private grow(): void {
    const next = new Uint8Array(this.buffer.length * 2);
    next.set(this.buffer);
    this.buffer = next;
  }
}
