// Makes /run/netns a shared mount point once, under a machine-wide lock, before any lab creates
// namespaces. `ip netns add` does this itself on first use, but two first uses at the same time
// (parallel test files on a fresh machine) stack two bind mounts, and namespaces mounted on the
// lower one become invisible ("Invalid argument" on `ip netns exec`). It must never run `ip netns
// add` unlocked while the directory is not yet a mount point.

import { readFileSync } from 'node:fs';
import { runCommandSync } from '../exec/run-command.js';
import { allocateLabNames } from './names.js';

const RUN_DIRS = ['/run/netns', '/var/run/netns'];
const LOCK = '/run/tickwire-netlab.lock';

function isMountPoint(): boolean {
  try {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
    return mounts.some((line) => RUN_DIRS.includes(line.split(' ')[4] ?? ''));
  } catch {
    return false;
  }
}

let prepared = false;

export function prepareNetnsRunDir(): void {
  if (prepared || isMountPoint()) {
    prepared = true;
    return;
  }
  const name = allocateLabNames().forRole('init');
  // flock serialises with every other process doing the same; the first one makes the mount.
  runCommandSync('flock', [LOCK, 'ip', 'netns', 'add', name]);
  runCommandSync('ip', ['netns', 'del', name]);
  prepared = true;
}
