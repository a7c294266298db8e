// The numbers the netgraph shows (and the page exposes to tests), read from the transport's
// connection stats and the sync client's stats once a second.
import type { ArenaClient } from '../net/client.js';
import type { PathType } from '../net/messages.js';
import { pathTypeOf } from '../net/path.js';
import { ConditionedConnection } from '../net/conditioner.js';

export interface NetMetrics {
  rttMs: number;
  jitterMs: number;
  lossPercent: number;
  interpDelayMs: number;
  corrections: number;
  lastCorrectionPx: number;
  kbpsIn: number;
  kbpsOut: number;
  snapshotBytes: number;
  entities: number;
  path: PathType;
  /** Packets the lab conditioner dropped (out, in). */
  labDropped: number;
}

/** Updates (seconds) between path checks once the path is known. */
const PATH_RECHECK = 5;

export class NetMeter {
  metrics: NetMetrics = {
    rttMs: 0,
    jitterMs: 0,
    lossPercent: 0,
    interpDelayMs: 0,
    corrections: 0,
    lastCorrectionPx: 0,
    kbpsIn: 0,
    kbpsOut: 0,
    snapshotBytes: 0,
    entities: 0,
    path: 'unknown',
    labDropped: 0,
  };
  private client: ArenaClient | undefined;
  private lastBytes = 0;
  private lastSnapshots = 0;
  /** Updates since the path was last asked for, and whether an answer is still pending. */
  private sincePathAsked = Infinity;
  private askingPath = false;

  update(client: ArenaClient | undefined, entities: number): void {
    if (client === undefined) return;
    if (client !== this.client) {
      this.client = client;
      this.lastBytes = 0;
      this.lastSnapshots = 0;
      this.metrics.path = 'unknown';
      this.sincePathAsked = Infinity;
    }
    this.askPath(client);
    const s = client.connection.stats();
    const sync = client.sync.stats();
    const bytes = sync.bytesReceived - this.lastBytes;
    const snaps = sync.snapshotsCompleted - this.lastSnapshots;
    this.lastBytes = sync.bytesReceived;
    this.lastSnapshots = sync.snapshotsCompleted;
    const lab = client.connection instanceof ConditionedConnection ? client.connection.counters : undefined;
    Object.assign(this.metrics, {
      rttMs: Math.round(s.srttMs ?? s.rttMs ?? 0),
      jitterMs: Math.round(s.jitterMs * 10) / 10,
      lossPercent: Math.round(s.lossFraction * 1000) / 10,
      interpDelayMs: Math.round(sync.interpolationDelayMs),
      corrections: client.corrections.count,
      lastCorrectionPx: Math.round(client.corrections.last * 10) / 10,
      kbpsIn: Math.round((s.receiveBytesPerSecond * 8) / 100) / 10,
      kbpsOut: Math.round((s.sendBytesPerSecond * 8) / 100) / 10,
      snapshotBytes: snaps > 0 ? Math.round(bytes / snaps) : this.metrics.snapshotBytes,
      entities,
      labDropped: lab === undefined ? 0 : lab.droppedIn + lab.droppedOut,
    });
  }

  /**
   * The selected pair can come well after the connection opens (Chromium has been seen without one
   * for tens of seconds after a relay fallback) and can change later (an ICE restart): asked once,
   * the path stayed "unknown" for good. So it is asked every second while unknown, then every
   * PATH_RECHECK updates; an answer for a client that is gone, or an unknown after a known path,
   * changes nothing.
   */
  private askPath(client: ArenaClient): void {
    this.sincePathAsked++;
    const due = this.metrics.path === 'unknown' ? 1 : PATH_RECHECK;
    if (this.askingPath || this.sincePathAsked < due || client.connection.state !== 'open') return;
    this.askingPath = true;
    this.sincePathAsked = 0;
    void pathTypeOf(client.connection)
      .then((path) => {
        if (this.client === client && path !== 'unknown') this.metrics.path = path;
      })
      .finally(() => (this.askingPath = false));
  }
}
