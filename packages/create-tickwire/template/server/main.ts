// `npm run dev` (and `npm start`): the whole game in one process. A lobby (rooms and signaling),
// the authority (which opens a room in it), and Vite serving the browser client with hot reload.
// Ctrl+C closes all three. In production the lobby runs on its own (`npx tickwire-lobby`), the
// authority next to it or on a game server, and `npm run build` makes the client static files.
import { createLobbyServer } from '@tickwire/lobby-server';
import { createServer } from 'vite';
import { startAuthority } from './authority';

const lobbyPort = Number(process.env.LOBBY_PORT ?? 8787);
const lobby = await createLobbyServer({ port: lobbyPort, logLevel: 'error' });
const authority = await startAuthority({ lobbyUrl: `ws://127.0.0.1:${lobby.port}` });

// The page finds the lobby on the host it was loaded from, at this port.
process.env.VITE_LOBBY_PORT = String(lobby.port);
const vite = await createServer({ server: { host: true } });
await vite.listen();
console.log(`lobby on port ${lobby.port}, room ${authority.room.code} open`);
vite.printUrls();
console.log('open the page in two windows to see two players; Ctrl+C stops everything');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await vite.close();
  await authority.close();
  await lobby.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
