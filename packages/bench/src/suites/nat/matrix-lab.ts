// The NAT matrix's world: a netlab internet lab with the given sites, coturn on the public server
// (REST-API credentials, `use-auth-secret`, UDP and TCP on 3478), the real lobby (`tickwire-lobby`)
// on the same server at port 443 handing out those credentials, and one agent process
// (agent-worker.ts) per lab host; with `turnTls`, coturn also takes TURN over TLS on 5349 with a
// certificate from a throw-away test CA, and the lobby hands out its `turns:` URL too. It must never
// leave anything running: close() stops every agent, the lobby and coturn, and deletes the
// namespaces and the certificates, also when start-up failed half way.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createInternetLab } from '@tickwire/netlab';
import type { HostKind, InternetLab, NetHost, SiteSpec } from '@tickwire/netlab';
import { createTestCertificates, startCoturn } from '@tickwire/testkit';
import type { Coturn, CoturnSecretAuth, TestCertificates } from '@tickwire/testkit';
import { BenchError } from '../../errors.js';
import { adoptWorker } from '../../ipc/spawn.js';
import type { WorkerHandle } from '../../ipc/spawn.js';

/** Compiled files: the same relative path from src/suites/nat and dist/suites/nat. */
const AGENT = fileURLToPath(new URL('../../../dist/suites/nat/agent-worker.js', import.meta.url));
const LOBBY_BIN = fileURLToPath(new URL('../../../../lobby-server/dist/bin.js', import.meta.url));
/** Well-known ports, so a UDP-blocked network (TCP to 443, 3478, 5349 only) reaches both. */
export const LOBBY_PORT = 443;
export const TURN_PORT = 3478;
/** TURN over TLS's well-known port (RFC 8656), with `turnTls`. */
export const TURN_TLS_PORT = 5349;
const START_TIMEOUT_MS = 20_000;

export interface MatrixLab {
  readonly lab: InternetLab;
  readonly turn: Coturn<CoturnSecretAuth>;
  readonly lobbyUrl: string;
  /** With `turnTls`: the test CA (PEM file) that signed coturn's certificate, for clients to trust. */
  readonly caFile?: string;
  /** The agent on `site` (host index `index` for a site with several hosts). */
  agent(site: string, index?: number): WorkerHandle;
  close(): Promise<void>;
}

function startLobby(server: NetHost, turn: Coturn<CoturnSecretAuth>): Promise<ChildProcess> {
  const child = server.spawn(process.execPath, [LOBBY_BIN], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PORT: String(LOBBY_PORT),
      HOST: server.ip,
      LOG_LEVEL: 'error',
      LOBBY_SECRET: randomBytes(24).toString('hex'),
      TURN_SECRET: turn.auth.secret,
      TURN_URLS: [turn.url, turn.tcpUrl, ...(turn.tls ? [turn.tls.url] : [])].join(','),
      STUN_URLS: turn.stunUrl,
      LOBBY_TICK_MS: '50',
    },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new BenchError('PEER_FAILED', 'the lobby did not start (is packages/lobby-server built?)')),
      START_TIMEOUT_MS,
    );
    // Read every line for the lobby's whole life, so it never blocks on a full pipe.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"event":"listening"')) return;
      clearTimeout(timer);
      resolve(child);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new BenchError('PEER_FAILED', `the lobby exited with ${code} (is packages/lobby-server built?)`),
      );
    });
  });
}

async function startAgent(host: NetHost): Promise<WorkerHandle> {
  const child = host.spawn(process.execPath, [AGENT], {
    stdio: ['ignore', 2, 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return adoptWorker(child, `nat agent ${host.role}`);
}

export interface MatrixLabOptions {
  /** Start a Node agent on every host (default true); the browser matrix puts Chromium there instead. */
  readonly agents?: boolean;
  /** coturn also on TURN over TLS (5349) and the lobby hands out its `turns:` URL; default false. */
  readonly turnTls?: boolean;
}

export async function startMatrixLab(
  sites: Readonly<Record<string, HostKind | SiteSpec>>,
  options: MatrixLabOptions = {},
): Promise<MatrixLab> {
  for (const file of [AGENT, LOBBY_BIN]) {
    if (!existsSync(file))
      throw new BenchError('PEER_FAILED', `${file} is missing: build the workspace first`);
  }
  const lab = await createInternetLab({ sites });
  let turn: Coturn<CoturnSecretAuth> | undefined;
  let certs: TestCertificates | undefined;
  const agents = new Map<string, WorkerHandle>();
  const close = async (): Promise<void> => {
    await Promise.all([...agents.values()].map((a) => a.stop(2_000).catch(() => undefined)));
    await turn?.stop().catch(() => undefined);
    await lab.close(); // kills the lobby and anything else still inside
    await certs?.remove();
  };
  try {
    if (options.turnTls) certs = await createTestCertificates({ ipAddresses: [lab.server.ip] });
    turn = await startCoturn({
      auth: { secret: randomBytes(24).toString('hex') },
      listeningIp: lab.server.ip,
      relayIp: lab.server.ip,
      port: TURN_PORT,
      ...(certs ? { tls: { certFile: certs.certFile, keyFile: certs.keyFile, port: TURN_TLS_PORT } } : {}),
      spawn: (command, args, options) => lab.server.spawn(command, args, options),
    });
    await startLobby(lab.server, turn);
    const started = await Promise.allSettled(
      Object.values(options.agents === false ? {} : lab.sites).flatMap((site) =>
        site.hosts.map(async (host, index) => agents.set(`${site.name}/${index}`, await startAgent(host))),
      ),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const coturn = turn;
    return {
      lab,
      turn: coturn,
      lobbyUrl: `ws://${lab.server.ip}:${LOBBY_PORT}/`,
      ...(certs ? { caFile: certs.caFile } : {}),
      agent(site, index = 0) {
        const agent = agents.get(`${site}/${index}`);
        if (!agent) throw new BenchError('PEER_FAILED', `no agent on ${site}/${index}`);
        return agent;
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
