// The authority: the one place the game runs. It opens a public room in the lobby, answers every
// player who joins it with a tickwire connection (signaling goes through the lobby), gives each
// player a ship, applies their inputs every tick, and state sync sends the world to everybody.
import { LobbyClient } from '@tickwire/lobby-server/client';
import type { RoomView } from '@tickwire/lobby-server/client';
import { connect, createSyncServer, type Connection } from '@tickwire/transport';
import { GAME_MODE, TICK_RATE, WORLD, input, move, schema } from '../shared/game';

export interface Authority {
  readonly room: RoomView;
  /** Ships in the world right now (one per connected player). */
  readonly players: () => number;
  close(): Promise<void>;
}

export async function startAuthority(options: { lobbyUrl: string }): Promise<Authority> {
  const lobby = await LobbyClient.connect({ url: options.lobbyUrl, name: 'authority' });
  const room = await lobby.createRoom({ mode: GAME_MODE, maxPlayers: 16, public: true });
  // The third type parameter is what each sync client carries (here: who it is in the lobby).
  const sync = createSyncServer<typeof schema, typeof input, { playerId: string }>({
    schema,
    input,
    tickRate: TICK_RATE,
  });
  const connections = new Map<string, Connection>(); // lobby player id → its connection

  // A player joined the room: answer its offer and give it a ship once its sync client is there.
  lobby.on('roomUpdate', (update) => {
    const playerId = update.playerId;
    if (playerId === undefined || playerId === lobby.sessionId) return;
    if (update.reason === 'joined' && !connections.has(playerId)) {
      const iceServers = lobby.turn ? [...lobby.turn.iceServers] : [];
      const connection = connect({ role: 'answerer', signaler: lobby.signalerFor(playerId), iceServers });
      connections.set(playerId, connection);
      sync.addClient(connection, { data: { playerId } });
    } else if (update.reason === 'left' || update.reason === 'kicked' || update.reason === 'seat_freed') {
      connections.get(playerId)?.close();
    }
  });

  sync.on('join', (client) => {
    const ship = sync.world.spawn('ship', {
      x: WORLD.width * (0.2 + 0.6 * Math.random()),
      y: WORLD.height * (0.2 + 0.6 * Math.random()),
      hue: Math.floor(Math.random() * 360),
    });
    client.setEntity(ship); // the client's `sync.self` becomes this ship's id
  });
  sync.on('leave', (client) => {
    if (client.entity !== undefined) sync.world.despawn(client.entity);
    client.connection.close();
    connections.delete(client.data.playerId);
  });

  // The game loop: before each snapshot, apply what every player sent since the last tick.
  sync.on('tick', () => {
    for (const client of sync.clients) {
      const ship = client.entity === undefined ? undefined : sync.world.get(client.entity);
      for (const { input: sent } of client.takeInputs()) if (ship) move(ship.state, sent);
    }
  });
  sync.start();

  return {
    room,
    players: () => sync.world.size,
    close: async () => {
      sync.close();
      for (const connection of connections.values()) connection.close();
      await lobby.leaveRoom().catch(() => {}); // the lobby may already be gone
      lobby.close();
    },
  };
}
