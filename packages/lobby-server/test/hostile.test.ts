// Hostile input against a real lobby: oversized and binary frames, floods, timeouts, slow
// readers, never-finished and tiny fragments (ws CVE-2026-48779), header floods (ws
// CVE-2024-37890), per-IP caps. After each attack a well-behaved client must still be served.
import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LobbyServer } from '../src/index.js';
import { RawClient, cleanup, connect, eventually, startLobby } from './helpers.js';

afterEach(cleanup);

async function stillServes(server: LobbyServer): Promise<void> {
  const client = await connect(server);
  expect(await client.ping()).toBeGreaterThan(0);
}

function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(request));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('close', () => resolve(response));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

async function metric(server: LobbyServer, line: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.slice(line.length).trim()) : 0;
}

describe('frames and messages', () => {
  it('closes with 1009 on a message over maxPayload', async () => {
    const server = await startLobby({ maxPayload: 4096 });
    const raw = await RawClient.open(server.url);
    await raw.hello();
    raw.send({ t: 'ping', pad: 'x'.repeat(5000) });
    expect((await raw.closed).code).toBe(1009);
    expect(await metric(server, 'lobby_ws_errors_total{code="WS_ERR_UNSUPPORTED_MESSAGE_LENGTH"}')).toBe(1);
    await stillServes(server);
  });

  it('answers binary frames and garbage with typed errors, then closes floods of them with 4008', async () => {
    const server = await startLobby({ maxViolations: 5 });
    const raw = await RawClient.open(server.url);
    await raw.hello();
    raw.ws.send(Buffer.from([1, 2, 3]));
    expect(await raw.next('error')).toMatchObject({ code: 'bad_request' });
    raw.send('{"t":"room.create","id":4,"mode":"duel"}');
    expect(await raw.next('error')).toMatchObject({ re: 4, code: 'bad_request' });
    raw.send({ t: 'warp', id: 5 });
    expect(await raw.next('error')).toMatchObject({ re: 5, code: 'unknown_type' });
    for (let i = 0; i < 10; i += 1) raw.send('nonsense');
    expect((await raw.closed).code).toBe(4008);
    await stillServes(server);
  });

  it('rate-limits a connection with rate_limited replies, then closes it with 4008', async () => {
    const server = await startLobby({ messagesPerSecond: 5, messageBurst: 5, maxViolations: 10 });
    const bystander = await connect(server);
    const raw = await RawClient.open(server.url);
    await raw.hello();
    for (let i = 0; i < 40; i += 1) raw.send({ t: 'ping', id: i });
    const { code } = await raw.closed;
    expect(code).toBe(4008);
    const errors = raw.messages.filter((m) => m.t === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((m) => m.t === 'error' && m.code === 'rate_limited')).toBe(true);
    expect(raw.messages.filter((m) => m.t === 'ok').length).toBeLessThanOrEqual(5);
    expect(await bystander.ping()).toBeGreaterThan(0);
  });

  it('shares a message budget between all connections of one IP', async () => {
    const server = await startLobby({ ipMessagesPerSecond: 1, ipMessageBurst: 6, maxViolations: 1000 });
    const a = await RawClient.open(server.url);
    const b = await RawClient.open(server.url);
    await a.hello();
    await b.hello();
    for (let i = 0; i < 4; i += 1) a.send({ t: 'ping', id: i });
    await a.next('ok', (m) => m.re === 3);
    b.send({ t: 'ping', id: 10 });
    expect(await b.next('error')).toMatchObject({ code: 'rate_limited' });
  });
});

describe('timeouts', () => {
  it('closes with 4001 when hello never comes', async () => {
    const server = await startLobby({ helloTimeoutMs: 150 });
    const raw = await RawClient.open(server.url);
    expect((await raw.closed).code).toBe(4001);
  });

  it('closes an idle connection with 4000 even though it answers pings', async () => {
    const server = await startLobby({ idleTimeoutMs: 300, heartbeatMs: 50 });
    const raw = await RawClient.open(server.url);
    let pings = 0;
    raw.ws.on('ping', () => (pings += 1));
    await raw.hello();
    expect((await raw.closed).code).toBe(4000);
    expect(pings).toBeGreaterThan(1);
  });

  it('keeps a LobbyClient alive with its application keep-alive', async () => {
    const server = await startLobby({ idleTimeoutMs: 300 });
    const client = await connect(server);
    let disconnected = false;
    client.on('disconnected', () => (disconnected = true));
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(disconnected).toBe(false);
    expect(await client.ping()).toBeGreaterThan(0);
  });

  it('terminates a peer that stops answering heartbeats', async () => {
    const server = await startLobby({ heartbeatMs: 100, idleTimeoutMs: 60_000 });
    // autoPong off: the socket stays open but never answers pings, like a dead NAT mapping.
    const ws = new WebSocket(server.url, { autoPong: false });
    const raw = new RawClient(ws);
    await new Promise((resolve) => ws.once('open', resolve));
    await raw.hello();
    expect((await raw.closed).code).toBe(1006);
    await eventually(() => server.connectionCount() === 0, 2_000, 'server dropped the socket');
  });
});

describe('fragments (ws CVE-2026-48779) and header floods (ws CVE-2024-37890)', () => {
  it('closes a connection whose fragmented message never finishes', async () => {
    const server = await startLobby({ idleTimeoutMs: 300, heartbeatMs: 50 });
    const raw = await RawClient.open(server.url);
    await raw.hello();
    raw.ws.send('{"t":"pi', { fin: false });
    expect((await raw.closed).code).toBe(4000);
    await stillServes(server);
  });

  it('closes a flood of tiny fragments with 1008 after maxFragments', async () => {
    const server = await startLobby({ maxFragments: 32 });
    const raw = await RawClient.open(server.url);
    await raw.hello();
    const byte = Buffer.from('x');
    let sent = 0;
    const pump = (): void => {
      if (raw.ws.readyState !== WebSocket.OPEN || sent > 100_000) return;
      sent += 1;
      raw.ws.send(byte, { fin: false, binary: false }, (error) => {
        if (!error) pump();
      });
    };
    pump();
    expect((await raw.closed).code).toBe(1008);
    expect(await metric(server, 'lobby_ws_errors_total{code="WS_ERR_TOO_MANY_BUFFERED_PARTS"}')).toBe(1);
    await stillServes(server);
  });

  it('answers an upgrade with more headers than maxHeadersCount with 400 and stays up', async () => {
    const server = await startLobby();
    const filler = Array.from({ length: 300 }, (_, i) => `X-Filler-${i}: ${'a'.repeat(10)}\r\n`).join('');
    const request =
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      filler +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    const response = await rawHttp(server.port, request);
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes(server);
  });

  it('answers an oversized header block with 431', async () => {
    const server = await startLobby();
    const request = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(20_000)}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`;
    expect(await rawHttp(server.port, request)).toMatch(/^HTTP\/1\.1 431 /);
    await stillServes(server);
  });
});

describe('resource caps', () => {
  it('drops a slow reader whose send buffer passes the cap, without disturbing the others', async () => {
    // Signals can no longer fill a send buffer (relay-budget.test.ts); room updates still can.
    const server = await startLobby({
      sendBufferCap: 16 * 1024,
      roomsPerMinute: 1_000,
      messagesPerSecond: 100_000,
      messageBurst: 100_000,
      ipMessagesPerSecond: 100_000,
      ipMessageBurst: 100_000,
    });
    const host = await connect(server);
    const props = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'.repeat(128)]));
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 16, public: false, props });
    const slow = await RawClient.open(server.url);
    const welcome = await slow.hello();
    slow.send({ t: 'room.join', id: 1, roomId: room.id });
    await slow.next('ok');
    // Stop reading: the kernel buffers fill, then the lobby's send buffer grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const dropped = host.waitFor('roomUpdate', {
      predicate: (u) => u.reason === 'disconnected' && u.playerId === welcome.sessionId,
      timeoutMs: 60_000,
    });
    const churner = await connect(server);
    let cycles = 0;
    while (
      host.room?.members.find((m) => m.id === welcome.sessionId)?.connected !== false &&
      cycles < 20_000
    ) {
      await churner.joinRoom({ roomId: room.id });
      await churner.leaveRoom();
      cycles += 1;
    }
    await dropped;
    expect(await metric(server, 'lobby_closes_total{code="4010"}')).toBe(1);
    expect(cycles).toBeLessThan(20_000);
    expect(await host.ping()).toBeGreaterThan(0);
  }, 90_000);

  it('rate-limits the HTTP API per IP, /metrics included, but never the health probe', async () => {
    const server = await startLobby({ ipMessagesPerSecond: 1, ipMessageBurst: 3 });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await fetch(`${server.httpUrl}/rooms`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(429);
  });

  it('caps connections per IP and connects per second with HTTP 429', async () => {
    const server = await startLobby({ connectionsPerIp: 2 });
    await RawClient.open(server.url);
    await RawClient.open(server.url);
    await expect(RawClient.open(server.url)).rejects.toThrow(/429/);
    const rate = await startLobby({ ipConnectsPerSecond: 1, ipConnectBurst: 2 });
    await RawClient.open(rate.url);
    await RawClient.open(rate.url);
    await expect(RawClient.open(rate.url)).rejects.toThrow(/429/);
    expect(await metric(rate, 'lobby_upgrades_rejected_total{reason="connect_rate"}')).toBe(1);
  });
});
