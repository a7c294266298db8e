// The server shell: HTTP API, the bin, Origin allow-list, hello/version/identity, resume tokens.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createJwtVerifier, verifyJoinToken } from '../src/index.js';
import { LobbyClient, isLobbyError } from '../src/client/index.js';
import { RawClient, cleanup, connect, startLobby } from './helpers.js';

afterEach(cleanup);

describe('HTTP API', () => {
  it('serves /healthz, /ping, /join-key, /rooms and /metrics, 404 elsewhere', async () => {
    const server = await startLobby({ region: 'eu-test' });
    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', node: server.nodeId, region: 'eu-test' });
    const ping = await fetch(`${server.httpUrl}/ping`);
    expect(ping.status).toBe(204);
    expect(ping.headers.get('x-lobby-region')).toBe('eu-test');
    const key = (await (await fetch(`${server.httpUrl}/join-key`)).json()) as {
      keys: Array<{ kty: string; crv: string }>;
    };
    expect(key.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    const rooms = await fetch(`${server.httpUrl}/rooms`);
    expect(await rooms.json()).toEqual({ rooms: [] });
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toContain('lobby_sessions');
    expect((await fetch(`${server.httpUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});

describe('bin tickwire-lobby', () => {
  it('starts from flags, answers /healthz, and exits 0 on SIGTERM', async () => {
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const child = spawn(
      process.execPath,
      [bin, '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'],
      {
        env: { ...process.env, LOBBY_SECRET: 'bin-test-secret-0123456789' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout });
    const [line] = (await once(lines, 'line')) as [string];
    const { port } = JSON.parse(line) as { port: number };
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
  });

  it('prints help and refuses unknown flags', async () => {
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const help = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    help.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    expect((await once(help, 'exit'))[0]).toBe(0);
    expect(text).toContain('--redis-url (REDIS_URL');
    const bad = spawn(process.execPath, [bin, '--bogus'], { stdio: 'ignore' });
    expect((await once(bad, 'exit'))[0]).toBe(2);
  });
});

describe('WebSocket upgrade', () => {
  it('checks Origin against the allow-list', async () => {
    const server = await startLobby({ allowedOrigins: ['https://game.example'] });
    const good = await RawClient.open(server.url, { origin: 'https://game.example' });
    expect((await good.hello()).sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(server.url, { headers: { origin: 'https://evil.example' } });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
    // Without Origin (non-browser client) it is allowed unless requireOrigin.
    const noOrigin = await RawClient.open(server.url);
    expect((await noOrigin.hello()).t).toBe('welcome');
  });

  it('refuses missing Origin when requireOrigin is set', async () => {
    const server = await startLobby({ allowedOrigins: ['https://game.example'], requireOrigin: true });
    await expect(RawClient.open(server.url)).rejects.toThrow(/403/);
  });
});

describe('hello and sessions', () => {
  it('gives each session a server-assigned 128-bit id and a resume token', async () => {
    const server = await startLobby();
    const a = await RawClient.open(server.url);
    const welcome = await a.hello({ name: 'ann' });
    expect(welcome.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(welcome.sessionId, 'base64url')).toHaveLength(16);
    expect(welcome.name).toBe('ann');
    expect(welcome.token.startsWith(`v1.${welcome.sessionId}.`)).toBe(true);
    const b = await RawClient.open(server.url);
    expect((await b.hello()).sessionId).not.toBe(welcome.sessionId);
  });

  it('answers requests before hello with not_ready and a second hello with out_of_order', async () => {
    const server = await startLobby();
    const raw = await RawClient.open(server.url);
    raw.send({ t: 'ping', id: 1 });
    expect(await raw.next('error')).toMatchObject({ re: 1, code: 'not_ready' });
    await raw.hello();
    raw.send({ t: 'hello', v: 1, id: 2 });
    expect(await raw.next('error')).toMatchObject({ code: 'out_of_order' });
    raw.send({ t: 'ping', id: 3 });
    expect(await raw.next('ok')).toMatchObject({ re: 3 });
  });

  it('closes with 4003 on an unsupported protocol version', async () => {
    const server = await startLobby();
    const raw = await RawClient.open(server.url);
    raw.send({ t: 'hello', v: 99 });
    expect(await raw.next('error')).toMatchObject({ code: 'unsupported_version' });
    expect((await raw.closed).code).toBe(4003);
  });

  it('resumes a session with its token and refuses a forged one', async () => {
    const server = await startLobby();
    const first = await RawClient.open(server.url);
    const welcome = await first.hello();
    first.ws.close();
    await first.closed;
    const again = await RawClient.open(server.url);
    const resumed = await again.hello({ resume: welcome.token });
    expect(resumed).toMatchObject({ sessionId: welcome.sessionId, resumed: true });

    const forger = await RawClient.open(server.url);
    forger.send({ t: 'hello', v: 1, resume: `v1.${welcome.sessionId}.${'A'.repeat(43)}` });
    expect(await forger.next('error')).toMatchObject({ code: 'invalid_token' });
    // The forger may still start its own session on the same socket.
    expect((await forger.hello()).sessionId).not.toBe(welcome.sessionId);
  });

  it('closes the old connection with 4009 when the session is resumed elsewhere', async () => {
    const server = await startLobby();
    const first = await RawClient.open(server.url);
    const welcome = await first.hello();
    const second = await RawClient.open(server.url);
    await second.hello({ resume: welcome.token });
    expect((await first.closed).code).toBe(4009);
    second.send({ t: 'ping', id: 5 });
    expect(await second.next('ok')).toMatchObject({ re: 5 });
  });

  it('uses the operator identity hook (JWT via jose) and refuses bad tokens with 4002', async () => {
    const secret = 'operator-jwt-secret-0123456789';
    const server = await startLobby({ identity: createJwtVerifier({ secret, issuer: 'operator' }) });
    const jwt = await new SignJWT({ name: 'Verified Vera', rating: 2100 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-42')
      .setIssuer('operator')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
    const client = await connect(server, { auth: jwt, name: 'ignored' });
    expect(client.welcome?.name).toBe('Verified Vera');

    const wrong = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('operator')
      .sign(new TextEncoder().encode('other-secret-000000000000'));
    const error = await LobbyClient.connect({ url: server.url, auth: wrong }).catch((e: unknown) => e);
    expect(isLobbyError(error, 'unauthorized')).toBe(true);
    const raw = await RawClient.open(server.url);
    raw.send({ t: 'hello', v: 1 });
    expect(await raw.next('error')).toMatchObject({ code: 'unauthorized' });
    expect((await raw.closed).code).toBe(4002);
  });

  it('lets dedicated servers in only with a configured server key', async () => {
    const server = await startLobby({ serverKeys: ['gs-key-1'] });
    const gs = await connect(server, { role: 'server', serverKey: 'gs-key-1' });
    expect(gs.welcome?.role).toBe('server');
    const error = await LobbyClient.connect({ url: server.url, role: 'server', serverKey: 'nope' }).catch(
      (e: unknown) => e,
    );
    expect(isLobbyError(error, 'unauthorized')).toBe(true);
    // A server cannot act as a player.
    await expect(gs.createRoom({ mode: 'duel', maxPlayers: 2, public: true })).rejects.toMatchObject({
      code: 'wrong_role',
    });
  });

  it('puts TURN credentials and a verifiable join key into welcome', async () => {
    const server = await startLobby({
      turnSecret: 'turn-secret',
      turnUrls: ['turn:127.0.0.1:3478'],
      turnTtlSeconds: 120,
    });
    const client = await connect(server);
    expect(client.turn?.username).toMatch(new RegExp(`^\\d+:${client.sessionId}$`));
    expect(client.turn?.ttlSeconds).toBe(120);
    const refreshed = await client.refreshTurn();
    expect(refreshed.iceServers[0]?.urls).toEqual(['turn:127.0.0.1:3478']);
    const room = await client.createRoom({ mode: 'duel', maxPlayers: 2, public: false });
    const claims = await verifyJoinToken(client.joinToken ?? '', client.joinKey!, {
      authorityId: client.sessionId,
      roomId: room.id,
    });
    expect(claims.playerId).toBe(client.sessionId);
    const noTurn = await startLobby();
    const plain = await connect(noTurn);
    expect(plain.turn).toBeNull();
    await expect(plain.refreshTurn()).rejects.toMatchObject({ code: 'turn_unavailable' });
  });
});
