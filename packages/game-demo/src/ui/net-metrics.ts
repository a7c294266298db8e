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

  update(client: ArenaClient | undefined, entities: number): void {
    if (client === undefined) return;
    if (client !== this.client) {
      this.client = client;
      this.lastBytes = 0;
      this.lastSnapshots = 0;
      this.metrics.path = 'unknown';
      void client.connection.opened.then(
        async () => (this.metrics.path = await pathTypeOf(client.connection)),
        () => {},
      );
    }
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
}
