// Public API of @tickwire/testkit: the test-support code the workspace packages share (free ports,
// a real coturn (with TURN over TLS against a test CA), the system Chromium), so each exists once.

export { ephemeralRange, pickFreePort, pickPortRange } from './ports.js';
export { waitForStun } from './stun.js';
export type { WaitForStunOptions } from './stun.js';
export { LISTENING_IP, RELAY_IP, TURNSERVER, hasTurnserver, startCoturn } from './coturn.js';
export type {
  Coturn,
  CoturnAuth,
  CoturnOptions,
  CoturnProbe,
  CoturnSecretAuth,
  CoturnSpawn,
  CoturnTls,
  CoturnTlsOptions,
  CoturnUserAuth,
} from './coturn.js';
export { OPENSSL, createTestCertificates, hasOpenssl } from './certificates.js';
export type { TestCertificateOptions, TestCertificates } from './certificates.js';
export { CERTUTIL, hasCertutil } from './nss-trust.js';
export { CHROMIUM_PATH, hasChromium, launchChromium } from './chromium.js';
export type { LaunchChromiumOptions } from './chromium.js';
// Re-exported so that tests using launchChromium need no playwright-core dependency of their own.
export type { Browser, Page } from 'playwright-core';
