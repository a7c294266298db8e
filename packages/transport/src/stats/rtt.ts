// Round-trip time from the transport's own ping/pong over the unreliable channel, so it measures
// the path game state actually takes. Pings carry a 16-bit id; a pong for an id we no longer
// remember (late or forged) is ignored.
export class RttMeter {
  latestMs: number | undefined;
  smoothedMs: number | undefined;
  private nextId = 0;
  private readonly outstanding = new Map<number, number>();

  nextPing(now: number): number {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0xffff;
    this.outstanding.set(id, now);
    if (this.outstanding.size > 32) {
      const oldest = this.outstanding.keys().next().value;
      if (oldest !== undefined) this.outstanding.delete(oldest);
    }
    return id;
  }

  /** Returns the new sample, or undefined for an unknown id. */
  onPong(id: number, now: number): number | undefined {
    const sentAt = this.outstanding.get(id);
    if (sentAt === undefined) return undefined;
    this.outstanding.delete(id);
    const rtt = now - sentAt;
    this.latestMs = rtt;
    this.smoothedMs = this.smoothedMs === undefined ? rtt : this.smoothedMs + (rtt - this.smoothedMs) / 8;
    return rtt;
  }
}
