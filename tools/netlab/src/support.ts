// Tells whether this machine can run labs, so a test or benchmark can skip with a clear reason
// instead of failing half-way. It must never leave anything behind: its probe namespace is
// deleted before it returns.

import { existsSync } from 'node:fs';
import { runCommandSync } from './exec/run-command.js';
import { allocateLabNames } from './netns/names.js';
import { destroyNamespaceSync } from './netns/netns.js';
import { prepareNetnsRunDir } from './netns/prepare-run-dir.js';

export interface NetlabSupport {
  readonly ok: boolean;
  /** Why labs cannot run here; absent when `ok`. */
  readonly reason?: string;
}

const TOOLS: readonly (readonly [string, readonly string[]])[] = [
  ['ip', ['-V']],
  ['iptables-restore', ['--version']],
  ['sysctl', ['--version']],
  ['cc', ['--version']],
  ['flock', ['--version']],
];

function check(): NetlabSupport {
  if (process.platform !== 'linux') return { ok: false, reason: `needs Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root (network namespaces, iptables)' };
  if (!existsSync('/dev/net/tun'))
    return { ok: false, reason: '/dev/net/tun is missing (the delay link needs TUN)' };
  for (const [tool, args] of TOOLS) {
    try {
      runCommandSync(tool, args);
    } catch {
      return { ok: false, reason: `\`${tool}\` is not available` };
    }
  }
  // The real thing, once: a namespace with a TUN device and a statistic-match iptables rule.
  const name = allocateLabNames().forRole('probe');
  try {
    prepareNetnsRunDir();
    runCommandSync('ip', ['netns', 'add', name]);
    runCommandSync('ip', ['-n', name, 'tuntap', 'add', 'dev', 'probe0', 'mode', 'tun']);
    runCommandSync('ip', ['netns', 'exec', name, 'iptables-restore', '--noflush'], {
      input: '*filter\n-A FORWARD -m statistic --mode random --probability 0.5 -j DROP\nCOMMIT\n',
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `network namespace probe failed: ${(error as Error).message}` };
  } finally {
    try {
      destroyNamespaceSync(name);
    } catch {
      // Left for sweepStaleLabs() once this process is gone.
    }
  }
}

let cached: NetlabSupport | undefined;

/** Whether labs can run on this machine (cached per process). */
export function isNetlabSupported(): NetlabSupport {
  cached ??= check();
  return cached;
}
