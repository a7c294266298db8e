// Chromium inside a network namespace (a netlab host): the page reaches a server that exists only
// inside the lab (the test process itself cannot), its WebRTC candidates carry the lab address,
// and closing the browser leaves no process in the namespace.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createInternetLab, isNetlabSupported } from '@tickwire/netlab';
import type { InternetLab } from '@tickwire/netlab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../src/index.js';

const support = isNetlabSupported();

// A one-line page server for the lab's public host: prints its port once listening.
const SERVER = `require('http').createServer((q, s) => s.end('<title>in the lab</title>'))
  .listen(0, process.argv[1], function () { console.log(this.address().port); })`;

const pidsIn = (namespace: string): string =>
  execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).trim();

describe.skipIf(!hasChromium || !support.ok)('launchChromium in a network namespace', () => {
  let lab: InternetLab;
  let pageUrl = '';

  beforeAll(async () => {
    lab = await createInternetLab({ sites: { home: 'restricted-cone' } });
    const server = lab.server.spawn(process.execPath, ['-e', SERVER, lab.server.ip], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
    pageUrl = `http://${lab.server.ip}:${line.trim()}/`;
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
  });

  it('reaches the lab, gathers its lab address, and leaves nothing running', async () => {
    const home = lab.site('home').host;
    const browser = await launchChromium({ namespace: home.namespace, exposeLocalIps: true });
    try {
      const page = await browser.newPage();
      await page.goto(pageUrl);
      expect(await page.title()).toBe('in the lab');
      const candidates = await page.evaluate(async () => {
        const pc = new RTCPeerConnection();
        pc.createDataChannel('probe');
        const found: string[] = [];
        const done = new Promise<void>((resolve) => {
          pc.onicecandidate = (e) => (e.candidate ? found.push(e.candidate.candidate) : resolve());
        });
        await pc.setLocalDescription(await pc.createOffer());
        await done;
        pc.close();
        return found;
      });
      expect(candidates.some((c) => c.includes(` ${home.ip} `))).toBe(true);
      expect(pidsIn(home.namespace)).not.toBe('');
    } finally {
      await browser.close();
    }
    expect(pidsIn(home.namespace)).toBe('');
  }, 60_000);

  it('refuses a namespace name that is not one', async () => {
    await expect(launchChromium({ namespace: 'a b; rm -rf /' })).rejects.toThrow(TypeError);
  });
});
