// The authority's entity registry. Game code spawns entities with a plain state object and then
// mutates that object directly (no setters, no change tracking: the snapshot capture compares
// quantized values). Ids are never reused, so a despawned entity cannot be confused with a new one.
import type { EntityOf, EntityTypeName, SyncSchema } from '../schema/define.js';
import type { LiveEntity } from '../snapshot/capture.js';

export interface EntityHandle<S extends SyncSchema, K extends EntityTypeName<S> = EntityTypeName<S>> {
  readonly id: number;
  readonly type: K;
  /** The live state: mutate it freely; the next tick picks the changes up. */
  readonly state: EntityOf<S, K>;
}

export interface WorldEntry extends LiveEntity {
  readonly handle: EntityHandle<SyncSchema>;
}

const MAX_ID = 2 ** 32 - 1;

export class World<S extends SyncSchema> {
  private readonly byId = new Map<number, WorldEntry>();
  private sorted: WorldEntry[] = [];
  private dirty = false;
  private nextId = 1;
  /** Changes whenever an entity is spawned or despawned (the id list changed). */
  version = 0;

  constructor(private readonly schema: S) {}

  get size(): number {
    return this.byId.size;
  }

  spawn<K extends EntityTypeName<S>>(type: K, state: EntityOf<S, K>): EntityHandle<S, K> {
    const typeIndex = this.schema.typeIndex.get(type);
    if (typeIndex === undefined) throw new TypeError(`sync: unknown entity type "${type}"`);
    const record = state as Record<string, unknown>;
    for (const name of this.schema.types[typeIndex]!.fieldNames) {
      if (record[name] === undefined) throw new TypeError(`sync: spawn of "${type}" without field "${name}"`);
    }
    if (this.nextId > MAX_ID) throw new RangeError('sync: entity ids exhausted');
    const id = this.nextId++;
    const handle = { id, type, state };
    const entry: WorldEntry = {
      id,
      type: typeIndex,
      state: record,
      handle: handle as unknown as EntityHandle<SyncSchema>,
    };
    this.byId.set(id, entry);
    // Ids only grow, so appending keeps the list sorted.
    this.sorted.push(entry);
    this.version++;
    return handle;
  }

  despawn(id: number): boolean {
    if (!this.byId.delete(id)) return false;
    this.dirty = true;
    this.version++;
    return true;
  }

  get(id: number): EntityHandle<S> | undefined {
    return this.byId.get(id)?.handle as EntityHandle<S> | undefined;
  }

  /** All entities, ascending id. */
  list(): readonly WorldEntry[] {
    if (this.dirty) {
      this.sorted = this.sorted.filter((entry) => this.byId.has(entry.id));
      this.dirty = false;
    }
    return this.sorted;
  }

  handles(): IterableIterator<EntityHandle<S>> {
    const entries = this.byId.values();
    return (function* () {
      for (const entry of entries) yield entry.handle as EntityHandle<S>;
    })();
  }
}
