// The signal gate's peer index: who a session may signal, answered from an index (no per-signal
// room scan), kept right through room changes, dedicated-server assignments (a re-assignment
// replaces the room's members) and the eviction of the oldest assigned room past 1,024.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import type { RoomView } from '../src/protocol/views.js';
import type { LobbyContext } from '../src/server/context.js';
import { SignalGate } from '../src/signaling/signal-gate.js';

// Only what the gate's bookkeeping reads (config and clock); relaying is covered by the
// signaling tests against a real lobby.
const ctx = { config: resolveConfig({}), now: () => 0 } as unknown as LobbyContext;

function room(id: string, members: string[], serverId?: string): RoomView {
  return {
    id,
    code: 'ABCDEF',
    mode: 'duel',
    maxPlayers: 16,
    public: false,
    props: {},
    hostId: members[0] ?? '',
    members: members.map((m) => ({ id: m, name: m, connected: true })),
    authority:
      serverId === undefined
        ? { kind: 'player', playerId: members[0] ?? '' }
        : { kind: 'server', serverId, address: '203.0.113.5:7000', region: 'eu' },
    authorityStatus: 'online',
  };
}

describe('signal gate', () => {
  it("lets a player signal its room's members and dedicated server, nobody else", () => {
    const gate = new SignalGate(
      ctx,
      () => 'me',
      () => {},
    );
    gate.setRoom(room('r1', ['me', 'ann', 'bob'], 'srv'));
    expect(['ann', 'bob', 'srv', 'me', 'eve'].map((p) => gate.mayExchange(p))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    gate.track({ t: 'room.update', room: room('r1', ['me', 'bob']), reason: 'left', playerId: 'ann' });
    expect(['ann', 'bob', 'srv'].map((p) => gate.mayExchange(p))).toEqual([false, true, false]);
    gate.track({ t: 'room.left', roomId: 'r1', reason: 'left' });
    expect(gate.room).toBeNull();
    expect(gate.mayExchange('bob')).toBe(false);
  });

  it("follows a dedicated server's assigned rooms: re-assignment, overlap and eviction", () => {
    const gate = new SignalGate(
      ctx,
      () => 'srv',
      () => {},
    );
    const assign = (view: RoomView) =>
      gate.track({ t: 'server.assign', matchId: `m-${view.id}`, room: view, players: [] });
    assign(room('a', ['p1', 'p2'], 'srv'));
    assign(room('b', ['p2', 'p3'], 'srv'));
    expect(['p1', 'p2', 'p3', 'p4'].map((p) => gate.mayExchange(p))).toEqual([true, true, true, false]);
    // Room a again, p1 gone and p4 in: p2 stays (it is in b too).
    assign(room('a', ['p2', 'p4'], 'srv'));
    expect(['p1', 'p2', 'p3', 'p4'].map((p) => gate.mayExchange(p))).toEqual([false, true, true, true]);
    // Past 1,024 rooms the oldest goes (b: a was assigned again after it).
    for (let i = 0; i < 1_022; i++) assign(room(`x${i}`, [`q${i}`], 'srv'));
    expect(gate.mayExchange('p3')).toBe(true);
    assign(room('x-last', ['q-last'], 'srv'));
    expect(['p3', 'p2', 'p4', 'q0', 'q-last'].map((p) => gate.mayExchange(p))).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});
