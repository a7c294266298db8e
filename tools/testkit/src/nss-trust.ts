// A throw-away HOME whose NSS database (~/.pki/nssdb) trusts one CA certificate, for a Chromium
// that must accept a test server's certificate without turning certificate checks off. Chromium on
// Linux takes locally added trust anchors from that database, and its TURN-over-TLS sockets are
// verified like any other TLS connection of the network service: with the lab CA trusted a `turns:`
// server gives a relay candidate, without it Chromium reports error 701 and gathers none (both
// seen with Chromium 156; tested in test/turn-tls.test.ts). It must never touch the real HOME.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** NSS's certutil (Debian package libnss3-tools), which fills the database. */
export const CERTUTIL = '/usr/bin/certutil';
/** Whether certutil is installed: launchChromium's `trustCaFile` needs it. */
export const hasCertutil = existsSync(CERTUTIL);

const run = promisify(execFile);

export interface TrustHome {
  /** Pass as the browser's HOME. */
  readonly home: string;
  /** Deletes the dir. Idempotent. */
  remove(): Promise<void>;
}

/** A temp HOME with an NSS database that trusts `caFile` (PEM) to identify servers. */
export async function createTrustHome(caFile: string): Promise<TrustHome> {
  if (!hasCertutil) throw new Error(`trusting a CA needs ${CERTUTIL} (Debian package libnss3-tools)`);
  const home = await mkdtemp(join(tmpdir(), 'tickwire-nss-'));
  const remove = (): Promise<void> => rm(home, { recursive: true, force: true });
  try {
    const db = `sql:${join(home, '.pki', 'nssdb')}`;
    await mkdir(join(home, '.pki', 'nssdb'), { recursive: true });
    await run(CERTUTIL, ['-N', '-d', db, '--empty-password']);
    // Trust flags "C,,": a CA trusted to issue server certificates, nothing else.
    await run(CERTUTIL, ['-A', '-d', db, '-n', 'tickwire test CA', '-t', 'C,,', '-i', caFile]);
    return { home, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
