// Token buckets for message and connection rates, and the per-IP table that shares one bucket
// between every connection of an address. Entries of idle IPs are dropped so the table cannot grow
// without bound under a spray of source addresses.

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes `cost` tokens if available. */
  take(now: number, cost = 1): boolean {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerSecond);
    this.updatedAt = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** True when the bucket has refilled completely (nothing to remember about this client). */
  full(now: number): boolean {
    return this.tokens + (Math.max(0, now - this.updatedAt) / 1000) * this.ratePerSecond >= this.burst;
  }
}

export interface IpLimits {
  readonly connectionsPerIp: number;
  readonly connectsPerSecond: number;
  readonly connectBurst: number;
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  /** Wrong private-room codes an address may try per minute (also the burst). */
  readonly codeFailuresPerMinute: number;
  /** How long an address that used them up may not join by code at all. */
  readonly codeLockoutMs: number;
}

interface IpEntry {
  connections: number;
  readonly connects: TokenBucket;
  readonly messages: TokenBucket;
  readonly codeFailures: TokenBucket;
  /** Joins by code refused until then (0 = not locked out). */
  codesLockedUntil: number;
}

export class IpTable {
  private readonly entries = new Map<string, IpEntry>();

  constructor(private readonly limits: IpLimits) {}

  private entry(ip: string, now: number): IpEntry {
    let entry = this.entries.get(ip);
    if (!entry) {
      entry = {
        connections: 0,
        connects: new TokenBucket(this.limits.connectsPerSecond, this.limits.connectBurst, now),
        messages: new TokenBucket(this.limits.messagesPerSecond, this.limits.messageBurst, now),
        codeFailures: new TokenBucket(
          this.limits.codeFailuresPerMinute / 60,
          this.limits.codeFailuresPerMinute,
          now,
        ),
        codesLockedUntil: 0,
      };
      this.entries.set(ip, entry);
    }
    return entry;
  }

  /** Checks whether `ip` may open another connection; the reason when not. */
  admit(ip: string, now: number): 'ok' | 'too_many_connections' | 'connect_rate' {
    const entry = this.entry(ip, now);
    if (entry.connections >= this.limits.connectionsPerIp) return 'too_many_connections';
    if (!entry.connects.take(now)) return 'connect_rate';
    return 'ok';
  }

  opened(ip: string, now: number): void {
    this.entry(ip, now).connections += 1;
  }

  closed(ip: string): void {
    const entry = this.entries.get(ip);
    if (entry) entry.connections = Math.max(0, entry.connections - 1);
  }

  takeMessage(ip: string, now: number): boolean {
    return this.entry(ip, now).messages.take(now);
  }

  /** Milliseconds `ip` must still wait before it may join by code again (0 = it may). */
  codeLockout(ip: string, now: number): number {
    return Math.max(0, (this.entries.get(ip)?.codesLockedUntil ?? 0) - now);
  }

  /**
   * Counts a wrong private-room code: online guessing costs the address its budget, then every
   * join by code (right or wrong) for `codeLockoutMs`. True when this failure started a lockout.
   */
  codeFailed(ip: string, now: number): boolean {
    const entry = this.entry(ip, now);
    if (entry.codeFailures.take(now)) return false;
    entry.codesLockedUntil = now + this.limits.codeLockoutMs;
    return true;
  }

  /** Forgets addresses with no connection, full buckets and no lockout. */
  prune(now: number): void {
    for (const [ip, entry] of this.entries) {
      if (
        entry.connections === 0 &&
        entry.connects.full(now) &&
        entry.messages.full(now) &&
        entry.codeFailures.full(now) &&
        entry.codesLockedUntil <= now
      )
        this.entries.delete(ip);
    }
  }
}
