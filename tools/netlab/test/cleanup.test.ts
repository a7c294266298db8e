// Closing a lab, exiting, or being killed leaves no namespace and no process behind, and a
// process that closed its lab exits by itself.
import { execFileSync, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLink, isNetlabSupported, nextMessage, sweepStaleLabs, waitForExit } from '../src/index.js';
import { ensureBuilt } from './helpers/built-package.js';
import { isRunning, namespaceNames } from './helpers/processes.js';

const support = isNetlabSupported();
const OWNER = new URL('./fixtures/lab-owner.mjs', import.meta.url);

function pidsIn(namespaces: readonly string[]): number[] {
  return namespaces.flatMap((ns) =>
    execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number),
  );
}

interface Up {
  namespaces: string[];
  pids: number[];
  realtime: boolean;
}

// A lab-owning process: labs are created from the root namespace (see README, limits).
async function startOwner(mode: string) {
  const child = fork(OWNER, [mode], { stdio: 'inherit' });
  try {
    const up = await nextMessage<Up>(child, (m: any) => m.ev === 'up', 30_000);
    const allPids = pidsIn(up.namespaces);
    expect(allPids.length).toBeGreaterThanOrEqual(3); // two sleepers and the forwarder
    for (const ns of up.namespaces) expect(namespaceNames()).toContain(ns);
    for (const pid of up.pids) expect(allPids).toContain(pid);
    child.send({ cmd: 'go' });
    return { child, up, allPids };
  } catch (error) {
    // A 'wait' owner never exits by itself: a failed check must not leave it (and its lab) behind.
    child.kill('SIGTERM');
    throw error;
  }
}

function expectGone(namespaces: readonly string[], pids: readonly number[]): void {
  const left = namespaceNames();
  for (const ns of namespaces) expect(left).not.toContain(ns);
  for (const pid of pids) expect(isRunning(pid), `pid ${pid} still running`).toBe(false);
}

describe.skipIf(!support.ok)('cleanup', () => {
  beforeAll(() => ensureBuilt(), 60_000);

  it('reports support on this machine', () => {
    expect(support).toEqual({ ok: true });
  });

  it('close() kills every process and deletes every namespace; closing twice is harmless', async () => {
    const link = await createLink({ rttMs: 20 });
    // Each says "in" from inside its namespace: `ip netns exec` enters it only after it started.
    const saysIn = (child: ChildProcess) =>
      new Promise((resolve) => child.stdout!.once('data', resolve)).then(() => child.stdout!.destroy());
    const sleeper = link.a.spawn('sh', ['-c', 'echo in; exec sleep 600'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // A grandchild no ChildProcess handle knows about must die too.
    const parent = link.b.spawn('sh', ['-c', 'sleep 600 & echo in; wait'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await Promise.all([saysIn(sleeper), saysIn(parent)]);
    const namespaces = link.namespaces;
    expect(namespaces).toHaveLength(3);
    const pids = pidsIn(namespaces);
    expect(pids.length).toBeGreaterThanOrEqual(3);
    await link.close();
    expect(link.closed).toBe(true);
    expect(sleeper.signalCode).toBe('SIGKILL');
    expectGone(namespaces, pids);
    await link.close();
    expect(() => link.a.spawn('true')).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    await expect(link.setLoss(1)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(link.stats()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('a process that closed its lab exits by itself', async () => {
    const { child, up, allPids } = await startOwner('close');
    await nextMessage(child, (m: any) => m.ev === 'closed');
    expect(await waitForExit(child, 10_000)).toEqual({ code: 0, signal: null });
    expectGone(up.namespaces, allPids);
  });

  it('process.exit() without close() still cleans up (exit hook)', async () => {
    const { child, up, allPids } = await startOwner('exit');
    expect(await waitForExit(child)).toEqual({ code: 0, signal: null });
    expectGone(up.namespaces, allPids);
  });

  it('SIGTERM cleans up and still terminates the process (signal hook)', async () => {
    const { child, up, allPids } = await startOwner('wait');
    child.kill('SIGTERM');
    expect(await waitForExit(child)).toEqual({ code: null, signal: 'SIGTERM' });
    expectGone(up.namespaces, allPids);
  });

  it('sweepStaleLabs() removes what a SIGKILLed process left, and spares live labs', async () => {
    const live = await createLink();
    try {
      const { child, up, allPids } = await startOwner('wait');
      child.kill('SIGKILL');
      await waitForExit(child);
      for (const ns of up.namespaces) expect(namespaceNames()).toContain(ns);
      const removed = await sweepStaleLabs();
      // Another test process's first lab may sweep them first; either way they must be gone.
      for (const name of removed) expect(name).toMatch(/^tw\d+-\d+-[a-z0-9]+$/);
      expectGone(up.namespaces, allPids);
      for (const ns of live.namespaces) expect(namespaceNames()).toContain(ns);
    } finally {
      await live.close();
    }
  });
});
