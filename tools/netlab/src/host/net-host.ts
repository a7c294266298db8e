// A host is one network namespace with one address that tests run processes in. It must never
// spawn anything outside its namespace, and every process it starts is tracked by its lab so
// closing the lab kills it.

import { spawn } from 'node:child_process';
import type { ChildProcess, IOType, SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NetlabError } from '../errors.js';
import type { Netns } from '../netns/netns.js';
import type { ChildSet } from './child-set.js';

export interface SpawnNodeOptions {
  /** Arguments after the script path. */
  readonly args?: readonly string[];
  /** Node flags before the script path, e.g. `['--expose-gc']`. */
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where the child's stdout/stderr go; default 'inherit' (a pipe nobody reads could block it). */
  readonly output?: IOType;
  /** IPC serialization; 'advanced' carries Buffers, Maps, BigInts. Default 'json'. */
  readonly serialization?: 'json' | 'advanced';
}

export class NetHost {
  constructor(
    /** Role in the lab, e.g. 'a', 'b', 'server'. */
    readonly role: string,
    /** Namespace name, for `ip netns exec` by hand when debugging. */
    readonly namespace: string,
    /** This host's IPv4 address, reachable from the other hosts of the lab. */
    readonly ip: string,
    private readonly netns: Netns,
    private readonly children: ChildSet,
    private readonly isClosed: () => boolean,
  ) {}

  /** Starts `command args` inside this host's namespace (via `ip netns exec`). */
  spawn(command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    if (this.isClosed()) throw new NetlabError('CLOSED', `lab of host ${this.namespace} is closed`);
    const child = spawn('ip', ['netns', 'exec', this.namespace, command, ...args], options);
    this.children.add(child);
    return child;
  }

  /**
   * Starts a Node script in this namespace with an IPC channel: `child.send()` / `child.on('message')`
   * in the test, `process.send()` / `process.on('message')` in the script. The script should call
   * `process.disconnect()` (or exit) when done so the channel does not keep either side alive.
   */
  spawnNode(script: string | URL, options: SpawnNodeOptions = {}): ChildProcess {
    const path = script instanceof URL ? fileURLToPath(script) : script;
    const output = options.output ?? 'inherit';
    return this.spawn(process.execPath, [...(options.execArgv ?? []), path, ...(options.args ?? [])], {
      stdio: ['ignore', output, output, 'ipc'],
      env: options.env ?? process.env,
      serialization: options.serialization ?? 'json',
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
  }

  /** Runs a command in this namespace to completion and resolves with its stdout. */
  exec(command: string, args: readonly string[] = []): Promise<string> {
    if (this.isClosed())
      return Promise.reject(new NetlabError('CLOSED', `lab of host ${this.namespace} is closed`));
    return this.netns.exec(command, args);
  }
}
