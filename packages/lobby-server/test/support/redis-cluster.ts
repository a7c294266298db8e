// Starts a real Redis Cluster for a test: six Debian redis-server processes on free ports (three
// masters with a replica each, made by `redis-cli --cluster create`), no persistence, a temp dir.
// Can fail a master over to its replica (`CLUSTER FAILOVER` on the replica, the coordinated
// manual failover: the replica catches up before it takes over). Every process started is killed
// by `stop()`, and by a failed start before it throws.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pickFreePort } from '@tickwire/testkit';

export interface RedisClusterNode {
  readonly port: number;
  readonly child: ChildProcess;
}

export interface RedisCluster {
  /** `redis-cluster://127.0.0.1:p1,…` for createRedisBackend / REDIS_URL. */
  readonly url: string;
  readonly nodes: readonly RedisClusterNode[];
  /** The port of the master serving `key` now. */
  masterOf(key: string): Promise<number>;
  /** Promotes the replica of the master serving `key`; resolves once the cluster agrees. */
  failover(key: string): Promise<{ from: number; to: number }>;
  stop(): Promise<void>;
}

const MASTERS = 3;
const NODES = MASTERS * 2;

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await pickFreePort({ tcp: true }));
  return [...ports];
}

function admin(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
}

/** Runs one command on one node with a short-lived connection. */
async function command(port: number, name: string, ...args: string[]): Promise<unknown> {
  const redis = admin(port);
  try {
    await redis.connect();
    return await redis.call(name, ...args);
  } finally {
    redis.disconnect();
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // a node not up yet answers with an error: try again
    }
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function infoField(info: unknown, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(String(info))?.[1]?.trim();
}

interface NodeLine {
  readonly id: string;
  readonly port: number;
  readonly master: boolean;
  readonly masterId: string;
}

async function clusterNodes(port: number): Promise<NodeLine[]> {
  const text = String(await command(port, 'CLUSTER', 'NODES'));
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId] = line.split(' ');
      return {
        id: id!,
        port: Number(/:(\d+)@/.exec(address!)?.[1]),
        master: flags!.split(',').includes('master'),
        masterId: masterId!,
      };
    });
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'tickwire-redis-cluster-'));
  const ports = await freePorts(NODES * 2); // a client port and a cluster-bus port per node
  const nodes: RedisClusterNode[] = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL'); // nothing to persist: the data dies with the test
        await exited;
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < NODES; i += 1) {
      const port = ports[i]!;
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--cluster-port',
          String(ports[NODES + i]!),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '3000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          '--loglevel',
          'warning',
        ],
        { stdio: 'ignore' },
      );
      child.on('error', () => undefined);
      nodes.push({ port, child });
    }
    for (const { port } of nodes) {
      await until(async () => (await command(port, 'PING')) === 'PONG', 5_000, `node ${port} up`);
    }
    const create = spawn(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map(({ port }) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    create.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(create, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`redis-cli --cluster create failed (${code}): ${stderr}`);
    for (const { port } of nodes) {
      await until(
        async () => infoField(await command(port, 'CLUSTER', 'INFO'), 'cluster_state') === 'ok',
        15_000,
        `cluster_state ok on ${port}`,
      );
    }
    // Replicas are known to every node a moment after the slots are.
    let replicas: NodeLine[] = [];
    for (const { port } of nodes) {
      await until(
        async () => {
          replicas = (await clusterNodes(port)).filter((n) => !n.master);
          return replicas.length === MASTERS;
        },
        15_000,
        `${port} sees ${MASTERS} replicas`,
      );
    }
    for (const replica of replicas) {
      await until(
        async () =>
          infoField(await command(replica.port, 'INFO', 'replication'), 'master_link_status') === 'up',
        15_000,
        `replica ${replica.port} in sync`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  /** The master serving `key` as node `asked` sees the cluster. */
  const masterSeenBy = async (asked: number, key: string): Promise<number> => {
    const slot = Number(await command(asked, 'CLUSTER', 'KEYSLOT', key));
    const slots = (await command(asked, 'CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    return range[2][1];
  };

  return {
    url: `redis-cluster://${nodes.map(({ port }) => `127.0.0.1:${port}`).join(',')}`,
    nodes,
    masterOf: (key) => masterSeenBy(nodes[0]!.port, key),
    failover: async (key) => {
      const from = await masterSeenBy(nodes[0]!.port, key);
      // After an earlier failover the demoted master rejoins as this master's replica a moment
      // later (seen in a CI run: "has no replica" right after the previous test's failover): wait
      // for a replica that is attached and in sync before asking it to take over.
      let found: { port: number } | undefined;
      await until(
        async () => {
          const lines = await clusterNodes(from);
          const master = lines.find((n) => n.port === from)!;
          found = lines.find((n) => !n.master && n.masterId === master.id);
          return (
            found !== undefined &&
            infoField(await command(found.port, 'INFO', 'replication'), 'master_link_status') === 'up'
          );
        },
        15_000,
        `master ${from} has a replica in sync`,
      );
      const replica = found;
      if (!replica) throw new Error(`master ${from} has no replica`);
      await command(replica.port, 'CLUSTER', 'FAILOVER');
      await until(
        async () => (await clusterNodes(replica.port)).find((n) => n.port === replica.port)?.master === true,
        15_000,
        `replica ${replica.port} promoted`,
      );
      for (const { port } of nodes) {
        await until(
          async () => (await masterSeenBy(port, key)) === replica.port,
          15_000,
          `${port} sees the move`,
        );
        await until(
          async () => infoField(await command(port, 'CLUSTER', 'INFO'), 'cluster_state') === 'ok',
          15_000,
          `cluster_state ok on ${port}`,
        );
      }
      return { from, to: replica.port };
    },
    stop,
  };
}
