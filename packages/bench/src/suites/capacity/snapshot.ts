// The per-client payload of the capacity suite: a world snapshot of 12 entities that msgpack
// encodes to roughly 300 bytes, changing every tick like a real one (so no encoder can cache it).

export interface SnapshotValue {
  tick: number;
  entities: Array<{ id: number; x: number; y: number; a: number; hp: number }>;
}

export function makeSnapshot(tick: number): SnapshotValue {
  const entities = [];
  for (let id = 0; id < 12; id++) {
    const phase = tick / 30 + id;
    entities.push({
      id,
      x: Math.round(2048 + 1500 * Math.cos(phase)),
      y: Math.round(2048 + 1500 * Math.sin(phase)),
      a: Math.round((phase * 40) % 256),
      hp: 100 - (id % 7),
    });
  }
  return { tick, entities };
}
