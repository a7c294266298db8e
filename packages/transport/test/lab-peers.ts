// The child-process peers the network-lab tests run on either side of a NAT lab or a link (a
// fixture script per host, driven over IPC): spawning both, killing both at the test's cleanup and
// waiting until each said it is ready. What the peers do after that is each test's own matter.
import type { ChildProcess } from 'node:child_process';
import { nextMessage } from '@tickwire/netlab';
import { onCleanup } from './helpers.js';

/** A message from a fixture peer: a `type` and whatever that type carries. */
export type Msg = { type: string; [k: string]: unknown };

/** Matches fixture messages of one type (for netlab's `nextMessage`). */
export const is =
  (type: string) =>
  (m: unknown): boolean =>
    (m as Msg).type === type;

/** A lab host that runs a Node script in its namespace (netlab's NetHost, a Link's side). */
interface NodeHost {
  spawnNode(script: string): ChildProcess;
}

/**
 * Spawns `script` on host `a` and on host `b`, kills both when the test ends, and resolves once
 * both sent `ready` (with those messages, in order a, b).
 */
export async function spawnLabPeers(
  hostA: NodeHost,
  hostB: NodeHost,
  script: string,
): Promise<{ a: ChildProcess; b: ChildProcess; ready: [Msg, Msg] }> {
  const a = hostA.spawnNode(script);
  const b = hostB.spawnNode(script);
  onCleanup(() => {
    a.kill();
    b.kill();
  });
  const ready = await Promise.all([nextMessage<Msg>(a, is('ready')), nextMessage<Msg>(b, is('ready'))]);
  return { a, b, ready };
}
