// The authority's sync engine without any networking: a world of entities, a tick counter and the
// clients. Each step captures one quantized snapshot of the world and, for every client due this
// tick, filters it through the interest hook and encodes it against that client's acked baseline.
// Sockets, timers and reliable messages live in the glue (glue/server.ts), never here.
import type { InputSchema, SyncSchema } from '../schema/define.js';
import { Capturer, captureSnapshot } from '../snapshot/capture.js';
import { SnapshotEncoder } from '../snapshot/encoder.js';
import { typeCodec } from '../snapshot/type-codec.js';
import type { QRow, Snapshot } from '../snapshot/types.js';
import type { RateOptions } from '../rate/rate-controller.js';
import type { GuardOptions } from './guard.js';
import { AuthorityPeer, type PeerTransport } from './peer.js';
import { World, type EntityHandle } from './world.js';

/** Decides whether `client` receives `entity` this tick; `detail` (0..1] drops under congestion. */
export type InterestFilter<S extends SyncSchema, I> = (
  client: AuthorityPeer<I>,
  entity: EntityHandle<S>,
  detail: number,
) => boolean;

export interface SyncAuthorityOptions<S extends SyncSchema, I> {
  schema: S;
  /** Ticks per second (default 60). */
  tickRate?: number;
  input?: InputSchema;
  interest?: InterestFilter<S, I>;
  /**
   * Clients for which `interest` gives the same answers (same match, same area of interest...):
   * it is then asked once per group and tick, and clients of a group that also share a baseline
   * share one encoding (encoder.ts). Without it, interest is asked for every client.
   */
  interestGroup?: (client: AuthorityPeer<I>) => unknown;
  /** How many sent snapshots per client stay usable as baselines (default 128). */
  historyTicks?: number;
  /** Largest snapshot packet (default 1150 bytes; the glue uses the connection's limit). */
  maxPacketBytes?: number;
  /**
   * Longest run of deltas chained on the previous tick before one goes against the acked tick
   * again (default 4; 1 never chains). See server/reference.ts.
   */
  chainTicks?: number;
  /** Send-rate adaptation settings, or false to always send every tick. */
  rate?: RateOptions | false;
  /** Generate specialised capture code per entity type (default true; false forces the generic loop). */
  codegen?: boolean;
  /**
   * What one client may cost the authority (guard.ts): packet and input budgets, when a client that
   * stops acknowledging drops to occasional keyframes, and when flooding or silence cuts it off.
   */
  guard?: GuardOptions;
}

const LINK_EVERY = 16;

export class SyncAuthority<S extends SyncSchema, I = Record<string, unknown>> {
  readonly world: World<S>;
  readonly tickRate: number;
  tick = 0;
  private readonly peers = new Set<AuthorityPeer<I>>();
  private readonly encoder: SnapshotEncoder;
  private readonly capturer: Capturer;
  private last: Snapshot | undefined;
  private lastVersion = -1;
  private nextPeerId = 1;

  constructor(private readonly options: SyncAuthorityOptions<S, I>) {
    this.world = new World(options.schema);
    this.tickRate = options.tickRate ?? 60;
    this.encoder = new SnapshotEncoder(options.schema);
    this.capturer = new Capturer(options.schema.types.map(typeCodec), options.codegen !== false);
  }

  addPeer(transport: PeerTransport): AuthorityPeer<I> {
    const rate = this.options.rate === false ? { maxDivider: 1, minDetail: 1 } : (this.options.rate ?? {});
    const peer = new AuthorityPeer<I>(
      this.nextPeerId++,
      transport,
      this.options.input,
      this.tickRate,
      rate,
      this.options.guard,
    );
    this.peers.add(peer);
    return peer;
  }

  removePeer(peer: AuthorityPeer<I>): void {
    this.peers.delete(peer);
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Advances one tick: capture, then encode and hand packets to every client due now. */
  step(nowMs = 0): Snapshot {
    this.tick++;
    const entries = this.world.list();
    const unchanged = this.last !== undefined && this.world.version === this.lastVersion;
    const snapshot = captureSnapshot(
      this.capturer,
      this.tick,
      entries,
      this.last,
      unchanged ? this.last!.ids : undefined,
    );
    this.last = snapshot;
    this.lastVersion = this.world.version;
    const groups = new Map<unknown, { detail: number; visible: Snapshot }>();
    for (const peer of this.peers) {
      peer.guard.startTick(this.tick);
      if (peer.transport.ready?.() === false || peer.guard.violation !== undefined) continue;
      // Link numbers drive the rate controller every tick; with it off they only inform chaining
      // (reference.ts), and reading them (a connection's whole stats) every tick for every client
      // cost ~6 % of a loaded authority's time, so then they are read every LINK_EVERY ticks.
      const rateOn = this.options.rate !== false;
      const link = rateOn || (this.tick + peer.id) % LINK_EVERY === 0 ? peer.transport.link?.() : undefined;
      if (link !== undefined) peer.linkLoss = link.lossFraction;
      const loss = Math.max(peer.linkLoss, peer.reportedLoss);
      if (link !== undefined && rateOn) {
        peer.rate.update({
          nowMs,
          bufferedAmount: link.bufferedAmount,
          srttMs: link.srttMs,
          lossFraction: loss,
        });
      }
      if (!peer.rate.shouldSend(this.tick)) continue;
      // A client that stopped acknowledging gets a keyframe now and then, nothing in between: its
      // cost per tick stays that of an idle client, and one ack brings it back to deltas.
      const degraded = peer.guard.degraded;
      if (degraded && !peer.guard.dueWhileDegraded(this.tick)) continue;
      const visible = this.visibleTo(peer, snapshot, groups);
      const { baseline, floorTick, chained } = degraded
        ? { baseline: undefined, floorTick: undefined, chained: false }
        : peer.reference(this.tick, this.options.chainTicks ?? 4, loss);
      const { parts } = this.encoder.encode({
        tick: this.tick,
        current: visible,
        baseline,
        floorTick,
        chained,
        inputAck: peer.inputs.lastTaken >= 0 ? peer.inputs.lastTaken : undefined,
        maxPacketBytes: this.options.maxPacketBytes ?? 1150,
      });
      peer.recordSent(visible, parts, baseline === undefined, this.options.historyTicks ?? 128);
      peer.transport.sendSnapshot(parts, this.tick);
    }
    return snapshot;
  }

  private visibleTo(
    peer: AuthorityPeer<I>,
    snapshot: Snapshot,
    groups: Map<unknown, { detail: number; visible: Snapshot }>,
  ): Snapshot {
    const interest = this.options.interest;
    if (interest === undefined) return snapshot;
    const detail = peer.rate.detailLevel;
    const key = this.options.interestGroup?.(peer);
    if (key === undefined) return this.filter(peer, snapshot, detail);
    const shared = groups.get(key);
    if (shared !== undefined && shared.detail === detail) return shared.visible;
    const visible = this.filter(peer, snapshot, detail);
    if (shared === undefined) groups.set(key, { detail, visible });
    return visible;
  }

  private filter(peer: AuthorityPeer<I>, snapshot: Snapshot, detail: number): Snapshot {
    const interest = this.options.interest!;
    const entries = this.world.list();
    const ids: number[] = [];
    const types: number[] = [];
    const rows: QRow[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (interest(peer, entries[i]!.handle as EntityHandle<S>, detail)) {
        ids.push(snapshot.ids[i]!);
        types.push(snapshot.types[i]!);
        rows.push(snapshot.rows[i]!);
      }
    }
    return { tick: snapshot.tick, ids, types, rows };
  }
}
