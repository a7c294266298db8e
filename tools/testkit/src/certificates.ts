// A throw-away certificate authority and one server certificate it signed, made with the system's
// openssl for a test that needs TLS against a server it runs itself (coturn's TURN over TLS in a
// lab). It must never write outside its own temp dir nor leave that dir behind once `remove()` ran,
// and it never makes a certificate a browser trusts by default: a test hands `caFile` to the client
// it wants to trust it (launchChromium's `trustCaFile`).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Where Debian's openssl package installs the command. */
export const OPENSSL = '/usr/bin/openssl';
/** Whether openssl is installed, for `describe.skipIf(!hasOpenssl)`. */
export const hasOpenssl = existsSync(OPENSSL);

const run = promisify(execFile);
const DNS_NAME = /^[A-Za-z0-9*]([A-Za-z0-9.-]{0,252})$/;

export interface TestCertificateOptions {
  /** IP addresses the server certificate is valid for (subjectAltName IP entries). */
  readonly ipAddresses?: readonly string[];
  /** Host names the server certificate is valid for (subjectAltName DNS entries). */
  readonly dnsNames?: readonly string[];
  /** Validity of both certificates, in days from now; default 1. */
  readonly days?: number;
}

export interface TestCertificates {
  /** The temp dir holding every file below. */
  readonly dir: string;
  /** The CA certificate (PEM): what a client must trust. */
  readonly caFile: string;
  /** The server certificate (PEM), signed by the CA, with the names asked for. */
  readonly certFile: string;
  /** The server certificate's private key (PEM, unencrypted). */
  readonly keyFile: string;
  /** The CA certificate's PEM text. */
  readonly caPem: string;
  /** Deletes the dir. Idempotent. */
  remove(): Promise<void>;
}

function subjectAltName(options: TestCertificateOptions): string {
  const ips = options.ipAddresses ?? [];
  const names = options.dnsNames ?? [];
  for (const ip of ips) if (isIP(ip) === 0) throw new TypeError(`not an IP address: "${ip}"`);
  for (const name of names) if (!DNS_NAME.test(name)) throw new TypeError(`not a host name: "${name}"`);
  const entries = [...ips.map((ip) => `IP:${ip}`), ...names.map((name) => `DNS:${name}`)];
  if (entries.length === 0) throw new TypeError('a server certificate needs an IP address or host name');
  return entries.join(',');
}

/** Makes a CA (EC P-256) and a server certificate it signed for the given names. */
export async function createTestCertificates(options: TestCertificateOptions): Promise<TestCertificates> {
  const san = subjectAltName(options);
  const days = options.days ?? 1;
  if (!Number.isInteger(days) || days < 1) throw new TypeError('days must be a positive integer');
  const dir = await mkdtemp(join(tmpdir(), 'tickwire-certs-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    // prettier-ignore
    await run(OPENSSL, [
      'req', '-x509', ...key, '-keyout', caKey, '-out', caFile, '-days', String(days),
      '-subj', '/CN=tickwire test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    // OpenSSL 3's `req -x509 -CA` signs the new certificate with the CA straight away.
    // prettier-ignore
    await run(OPENSSL, [
      'req', '-x509', ...key, '-keyout', keyFile, '-out', certFile, '-days', String(days),
      '-CA', caFile, '-CAkey', caKey,
      '-subj', '/CN=tickwire test server',
      '-addext', `subjectAltName=${san}`,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature',
      '-addext', 'extendedKeyUsage=serverAuth',
    ]);
    return { dir, caFile, certFile, keyFile, caPem: await readFile(caFile, 'utf8'), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
