// TURN over TLS against a test's own CA: the certificates verify, coturn serves TLS with them, and
// a Chromium on a UDP-blocked lab host (TCP out to 443 and 5349 only) gathers a relay candidate
// over TLS when it trusts the CA (launchChromium's `trustCaFile`) and none when it does not, so the
// trust store is what makes it work, not a certificate check turned off.
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:tls';
import { createInternetLab, isNetlabSupported } from '@tickwire/netlab';
import type { InternetLab } from '@tickwire/netlab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestCertificates,
  hasCertutil,
  hasChromium,
  hasOpenssl,
  hasTurnserver,
  launchChromium,
  startCoturn,
} from '../src/index.js';
import type { Coturn, CoturnSecretAuth, TestCertificates } from '../src/index.js';

const support = isNetlabSupported();

/** Resolves with the peer certificate's subjectAltName once a TLS handshake verified it against `ca`. */
function tlsHandshake(host: string, port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ca, servername: '' }, () => {
      const san = socket.getPeerCertificate().subjectaltname ?? '';
      socket.destroy();
      resolve(san);
    });
    socket.once('error', reject);
  });
}

describe.skipIf(!hasOpenssl)('createTestCertificates', () => {
  it('refuses a certificate without a name, or a name that is not one', async () => {
    await expect(createTestCertificates({})).rejects.toThrow(TypeError);
    await expect(createTestCertificates({ ipAddresses: ['10.0.0'] })).rejects.toThrow(TypeError);
    await expect(createTestCertificates({ dnsNames: ['a b'] })).rejects.toThrow(TypeError);
  });

  it('makes files that remove() deletes', async () => {
    const certs = await createTestCertificates({ ipAddresses: ['127.0.0.1'], dnsNames: ['turn.test'] });
    expect(certs.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    for (const file of [certs.caFile, certs.certFile, certs.keyFile]) expect(existsSync(file)).toBe(true);
    await certs.remove();
    await certs.remove();
    expect(existsSync(certs.dir)).toBe(false);
  });
});

describe.skipIf(!hasOpenssl || !hasTurnserver)('startCoturn with tls', () => {
  it('serves TLS on its own port with a certificate that verifies against the test CA', async () => {
    const certs = await createTestCertificates({ ipAddresses: ['127.0.0.1'] });
    let coturn: Coturn<CoturnSecretAuth> | undefined;
    try {
      coturn = await startCoturn({
        auth: { secret: 'coturn-shared-secret-for-tests' },
        tls: { certFile: certs.certFile, keyFile: certs.keyFile },
      });
      const tls = coturn.tls;
      expect(tls?.port).not.toBe(coturn.port);
      expect(tls?.url).toBe(`turns:127.0.0.1:${tls?.port}?transport=tcp`);
      expect(await tlsHandshake('127.0.0.1', tls!.port, certs.caPem)).toBe('IP Address:127.0.0.1');
      // A client without the CA refuses the same server.
      await expect(tlsHandshake('127.0.0.1', tls!.port, '')).rejects.toThrow();
    } finally {
      await coturn?.stop();
      await certs.remove();
    }
  });

  it('refuses a fixed TLS port without a spawn hook, or the plain port twice', async () => {
    const tls = { certFile: '/nonexistent', keyFile: '/nonexistent' };
    await expect(startCoturn({ auth: { secret: 's' }, tls: { ...tls, port: 5349 } })).rejects.toThrow(
      /spawn hook/,
    );
    const spawn = (): never => {
      throw new Error('must not start');
    };
    await expect(
      startCoturn({ auth: { secret: 's' }, spawn, port: 5349, tls: { ...tls, port: 5349 } }),
    ).rejects.toThrow(/plain listening port/);
  });
});

interface Gathered {
  readonly relays: ReadonlyArray<{ address: string | null; relayProtocol: string | null }>;
  readonly errors: ReadonlyArray<{ url: string; errorCode: number }>;
}

describe.skipIf(!support.ok || !hasOpenssl || !hasTurnserver || !hasChromium || !hasCertutil)(
  'Chromium on a UDP-blocked network reaches coturn over TLS',
  () => {
    const secret = 'coturn-shared-secret-for-tests';
    let lab: InternetLab;
    let certs: TestCertificates;
    let coturn: Coturn<CoturnSecretAuth>;

    beforeAll(async () => {
      lab = await createInternetLab({ sites: { blk: { kind: 'udp-blocked', allowTcpPorts: [443, 5349] } } });
      certs = await createTestCertificates({ ipAddresses: [lab.server.ip] });
      coturn = await startCoturn({
        auth: { secret },
        listeningIp: lab.server.ip,
        relayIp: lab.server.ip,
        port: 3478,
        tls: { certFile: certs.certFile, keyFile: certs.keyFile, port: 5349 },
        spawn: (command, args, options) => lab.server.spawn(command, args, options),
      });
    }, 60_000);

    afterAll(async () => {
      await coturn?.stop();
      await lab?.close();
      await certs?.remove();
    });

    /** Gathers in a page of a Chromium on the blocked host with these TURN URLs, the last `turns:`. */
    async function gather(urls: readonly string[], trustCaFile: string | undefined): Promise<Gathered> {
      const browser = await launchChromium({
        namespace: lab.site('blk').host.namespace,
        ...(trustCaFile === undefined ? {} : { trustCaFile }),
      });
      try {
        const page = await browser.newPage();
        const username = `${Math.floor(Date.now() / 1000) + 600}:blk`;
        const credential = createHmac('sha1', secret).update(username).digest('base64');
        return await page.evaluate(
          async ({ urls, username, credential }) => {
            const pc = new RTCPeerConnection({ iceServers: [{ urls, username, credential }] });
            const relays: Array<{ address: string | null; relayProtocol: string | null }> = [];
            const errors: Array<{ url: string; errorCode: number }> = [];
            // Settled once the turns: server gave a relay candidate or an error. Not the end of
            // gathering: that waits for the blocked UDP and TCP servers to time out (minutes).
            const turns = urls[urls.length - 1];
            const settled = new Promise<void>((resolve) => {
              pc.onicecandidateerror = (e) => {
                errors.push({ url: e.url, errorCode: e.errorCode });
                if (e.url === turns) resolve();
              };
              pc.onicecandidate = (e) => {
                if (e.candidate?.type !== 'relay') return;
                // Chromium's RTCIceCandidate.relayProtocol (WebRTC spec), not yet in TS's DOM types.
                const { relayProtocol } = e.candidate as { relayProtocol?: string | null };
                relays.push({ address: e.candidate.address, relayProtocol: relayProtocol ?? null });
                if (relayProtocol === 'tls') resolve();
              };
            });
            pc.createDataChannel('probe');
            await pc.setLocalDescription(await pc.createOffer());
            await settled;
            pc.close();
            return { relays, errors };
          },
          { urls: [...urls], username, credential },
        );
      } finally {
        await browser.close();
      }
    }

    it('trusting the lab CA: one relay candidate, over TLS, from coturn', async () => {
      // All three, as a lobby hands them out: only TLS gets through this network.
      const urls = [coturn.url, coturn.tcpUrl, coturn.tls!.url];
      const { relays, errors } = await gather(urls, certs.caFile);
      expect(relays).toEqual([{ address: lab.server.ip, relayProtocol: 'tls' }]);
      expect(errors.filter((e) => e.url.startsWith('turns:'))).toEqual([]);
    }, 90_000);

    it('not trusting it: no relay candidate, and the turns: server fails with 701', async () => {
      // The turns: server alone: with the blocked TCP server beside it, Chromium reported no error for
      // either within 100 s (the SYNs to 3478 are dropped), while this one fails within a second.
      const { relays, errors } = await gather([coturn.tls!.url], undefined);
      expect(relays).toEqual([]);
      expect(errors).toContainEqual({ url: coturn.tls!.url, errorCode: 701 });
    }, 90_000);
  },
);
