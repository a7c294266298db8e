// Joining the game, the same way in the browser and in Node (the test uses it): find the game's
// room in the lobby, join it, connect to its host (the authority) with tickwire, and start state
// sync. `@tickwire/transport` picks its browser build in Vite and node-datachannel in Node.
import { LobbyClient } from '@tickwire/lobby-server/client';
import { connect, createSyncClient, type Connection, type SyncClient } from '@tickwire/transport';
import { GAME_MODE, input, schema, type Input } from '../shared/game';

export interface Game {
  readonly lobby: LobbyClient;
  readonly connection: Connection;
  readonly sync: SyncClient<typeof schema, Input>;
  close(): void;
}

export async function joinGame(options: { lobbyUrl: string; name?: string }): Promise<Game> {
  const lobby = await LobbyClient.connect({ url: options.lobbyUrl, name: options.name ?? 'player' });
  try {
    const [room] = await lobby.listRooms({ mode: GAME_MODE, notFull: true });
    if (room === undefined) throw new Error('no game is running: start one with `npm run dev`');
    const joined = await lobby.joinRoom({ roomId: room.id });
    const iceServers = lobby.turn ? [...lobby.turn.iceServers] : [];
    const connection = connect({ role: 'offerer', signaler: lobby.signalerFor(joined.hostId), iceServers });
    const sync = createSyncClient(connection, schema, { input });
    await sync.ready; // the authority said hello: snapshots are on their way
    return {
      lobby,
      connection,
      sync,
      close: () => {
        sync.close();
        connection.close();
        lobby.close();
      },
    };
  } catch (error) {
    lobby.close();
    throw error;
  }
}
