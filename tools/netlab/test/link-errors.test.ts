// A link whose forwarder dies tells its listeners with a typed error instead of silently turning
// into a 100%-loss link; names of lab namespaces round-trip through the parser the sweep uses.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLink, isNetlabSupported } from '../src/index.js';
import type { NetlabError } from '../src/index.js';
import { allocateLabNames, parseLabName } from '../src/netns/names.js';

const support = isNetlabSupported();

describe('lab names', () => {
  it('carry the pid and parse back; foreign names do not parse', () => {
    const names = allocateLabNames(4242);
    const next = allocateLabNames(4242);
    expect(names.prefix).not.toBe(next.prefix);
    const parsed = parseLabName(names.forRole('nata'));
    expect(parsed).toMatchObject({ pid: 4242, role: 'nata' });
    expect(parseLabName('docker-ns')).toBeUndefined();
    expect(parseLabName('tw12-x-a')).toBeUndefined();
    expect(() => names.forRole('Bad Role')).toThrow();
  });
});

describe.skipIf(!support.ok)('link errors', () => {
  it('reports a forwarder that dies while the link is open', async () => {
    const link = await createLink({ rttMs: 10 });
    try {
      const died = new Promise<NetlabError>((resolve) => link.onError(resolve));
      const routerNs = link.namespaces.find((name) => name.endsWith('-r'))!;
      const [forwarderPid] = execFileSync('ip', ['netns', 'pids', routerNs], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
      expect(forwarderPid).toBeGreaterThan(0);
      process.kill(forwarderPid!, 'SIGKILL');
      const error = await died;
      expect(error.code).toBe('FORWARDER_FAILED');
      await expect(link.stats()).rejects.toMatchObject({ code: 'FORWARDER_FAILED' });
      await expect(link.setRtt(20)).rejects.toMatchObject({ code: 'FORWARDER_FAILED' });
    } finally {
      await link.close();
    }
  });

  it('onError returns a working unsubscribe function', async () => {
    const link = await createLink();
    try {
      const seen: NetlabError[] = [];
      const off = link.onError((error) => seen.push(error));
      const kept = new Promise<NetlabError>((resolve) => link.onError(resolve));
      off();
      const routerNs = link.namespaces.find((name) => name.endsWith('-r'))!;
      for (const pid of execFileSync('ip', ['netns', 'pids', routerNs], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)) {
        process.kill(Number(pid), 'SIGKILL');
      }
      await kept;
      expect(seen).toEqual([]);
    } finally {
      await link.close();
    }
  });
});
