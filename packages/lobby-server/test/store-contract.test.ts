// One contract for both state backends: the in-memory one and Redis (a real redis-server).
// Every lobby service relies on exactly these semantics, so both must pass the same suite.
import { afterAll, beforeAll, describe } from 'vitest';
import { createMemoryBackend, createRedisBackend } from '../src/index.js';
import { storeContract } from './support/store-contract.js';
import type { StateBackend } from '../src/index.js';
import { startRedis } from './support/redis.js';
import type { RedisServer } from './support/redis.js';

let redis: RedisServer;
const backends: StateBackend[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const backend of backends) await backend.close();
  await redis.stop();
});

let prefixCounter = 0;
const makers: Record<string, () => Promise<StateBackend>> = {
  memory: () => Promise.resolve(createMemoryBackend()),
  redis: () => createRedisBackend(redis.url, `contract${(prefixCounter += 1)}:`, () => undefined),
};

describe.each(Object.keys(makers))('%s backend', (kind) => {
  storeContract(async () => {
    const made = await makers[kind]!();
    backends.push(made);
    return made;
  });
});
