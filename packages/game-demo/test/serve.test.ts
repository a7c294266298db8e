// The demo's static server under hostile requests: the process (which also runs the lobby) must
// answer every one of them and stay up. Raw sockets, because fetch() refuses to send some of them.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRequestPath, startDemoServer } from '../src/serve.js';
import type { DemoServer } from '../src/serve.js';

/** Sends one raw HTTP/1.1 request and resolves with the status code of the answer. */
function rawStatus(url: string, requestLine: string): Promise<number> {
  const { port, hostname } = new URL(url);
  return new Promise((resolveStatus, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (match) {
        socket.destroy();
        resolveStatus(Number(match[1]));
      }
    });
    socket.on('error', reject);
    socket.write(`${requestLine}\r\nHost: x\r\nConnection: close\r\n\r\n`);
  });
}

describe('demo static server', () => {
  let base: string;
  let demo: DemoServer;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'tw-serve-'));
    await mkdir(join(base, 'web'));
    await mkdir(join(base, 'web-private'));
    await writeFile(join(base, 'web', 'index.html'), '<p>hi</p>');
    await writeFile(join(base, 'web-private', 'secret.txt'), 'secret');
    demo = await startDemoServer({ port: 0, webRoot: join(base, 'web'), lobbyUrl: 'ws://x/' });
  });
  afterAll(async () => {
    await demo.close();
    await rm(base, { recursive: true, force: true });
  });

  it('answers malformed percent-encoding with 400 and keeps serving', async () => {
    expect(await rawStatus(demo.url, 'GET /%E0%A4%A HTTP/1.1')).toBe(400);
    expect(await rawStatus(demo.url, 'GET /% HTTP/1.1')).toBe(400);
    expect(await rawStatus(demo.url, 'GET /a%00b HTTP/1.1')).toBe(400);
    const page = await fetch(demo.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<p>hi</p>');
  });

  it('answers methods other than GET and HEAD with 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH']) {
      expect(await rawStatus(demo.url, `${method} / HTTP/1.1`)).toBe(405);
    }
    expect(await rawStatus(demo.url, 'HEAD / HTTP/1.1')).toBe(200);
  });

  it('never serves a sibling folder whose name starts like the web root', async () => {
    expect(await rawStatus(demo.url, 'GET /../web-private/secret.txt HTTP/1.1')).not.toBe(200);
    expect(await rawStatus(demo.url, 'GET /..%2fweb-private%2fsecret.txt HTTP/1.1')).toBe(403);
    expect(resolveRequestPath('/srv/web', '/..%2fweb-private/secret.txt')).toBe(403);
    expect(resolveRequestPath('/srv/web', '/a/../b.js')).toBe('/srv/web/b.js');
  });

  it('serves config.json with the lobby URL', async () => {
    const config = (await (await fetch(new URL('/config.json', demo.url))).json()) as { lobbyUrl: string };
    expect(config.lobbyUrl).toBe('ws://x/');
  });
});
