// The system Chromium starts with the kit's flags, opens a page that runs script, and closes.
import { describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../src/index.js';

describe.skipIf(!hasChromium)('launchChromium', () => {
  it.each([{}, { exposeLocalIps: true }])(
    'launches with %o, opens a page and closes',
    async (options) => {
      const browser = await launchChromium(options);
      try {
        const page = await browser.newPage();
        await page.setContent('<title>testkit</title><p id="p">hello</p>');
        expect(await page.title()).toBe('testkit');
        expect(await page.evaluate(() => document.getElementById('p')?.textContent)).toBe('hello');
        expect(await page.evaluate(() => typeof RTCPeerConnection)).toBe('function');
      } finally {
        await browser.close();
      }
      expect(browser.isConnected()).toBe(false);
    },
    60_000,
  );
});
