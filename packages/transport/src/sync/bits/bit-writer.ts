// Packs unsigned integers of 0-32 bits into bytes, least significant bit first. The sync codec
// writes every packet through this so values cost their information, not a whole byte each.
// It must never silently drop bits: a value that does not fit its width is a programming error.

export class BitWriter {
  private buffer: Uint8Array;
  private length = 0;
  /** Pending bits (fewer than 8 between calls) not yet flushed into `buffer`. */
  private acc = 0;
  private accBits = 0;

  constructor(initialBytes = 256) {
    this.buffer = new Uint8Array(initialBytes);
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.length * 8 + this.accBits;
  }

  reset(): void {
    this.length = 0;
    this.acc = 0;
    this.accBits = 0;
  }

  /** Writes `value` (an integer in [0, 2^bits)) in `bits` bits, 0 <= bits <= 32. */
  write(value: number, bits: number): void {
    if (bits > 24) {
      if (bits > 32 || !(value >= 0 && value < 2 ** bits) || value % 1 !== 0) throw this.misfit(value, bits);
      const low = value % 65536;
      this.write(low, 16);
      this.write((value - low) / 65536, bits - 16);
      return;
    }
    // Integer ops from here: value < 2^24 and accBits < 8, so everything stays within 32 bits.
    if (value >>> 0 !== value || value >>> bits !== 0) {
      if (bits === 0 && value === 0) return;
      throw this.misfit(value, bits);
    }
    let acc = this.acc | (value << this.accBits);
    let accBits = this.accBits + bits;
    if (accBits >= 8) {
      if (this.length + 4 > this.buffer.length) this.grow();
      const buffer = this.buffer;
      do {
        buffer[this.length++] = acc & 0xff;
        acc >>>= 8;
        accBits -= 8;
      } while (accBits >= 8);
    }
    this.acc = acc;
    this.accBits = accBits;
  }

  writeBool(value: boolean): void {
    this.write(value ? 1 : 0, 1);
  }

  /** Copies whole bytes (written bit-aligned, so they need not start on a byte boundary). */
  writeBytes(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.write(bytes[i]!, 8);
  }

  /** Zero bits up to the next byte boundary. */
  alignToByte(): void {
    if (this.accBits > 0) this.write(0, 8 - this.accBits);
  }

  /** Copies whole bytes at a byte boundary (call alignToByte first): a plain memory copy. */
  writeAlignedBytes(bytes: Uint8Array): void {
    if (this.accBits !== 0) throw new RangeError('BitWriter: not at a byte boundary');
    while (this.length + bytes.length + 4 > this.buffer.length) this.grow();
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The written bits, zero-padded to a whole byte, as a fresh array. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length + (this.accBits > 0 ? 1 : 0));
    out.set(this.buffer.subarray(0, this.length));
    if (this.accBits > 0) out[this.length] = this.acc;
    return out;
  }

  private misfit(value: number, bits: number): RangeError {
    return new RangeError(`BitWriter: ${value} does not fit in ${bits} bits`);
  }

  private grow(): void {
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + 8));
    next.set(this.buffer);
    this.buffer = next;
  }
}
