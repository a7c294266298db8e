// What every lab shares: its namespaces, the processes started in them, error reporting, and a
// teardown that runs once. It must never leave a namespace or a process behind after `close()`
// resolves, and closing twice (or at exit after a close) must be harmless.

import { NetlabError } from '../errors.js';
import { ChildSet } from '../host/child-set.js';
import { NetHost } from '../host/net-host.js';
import { allocateLabNames } from '../netns/names.js';
import { destroyNamespace, destroyNamespaceSync, Netns } from '../netns/netns.js';
import { prepareNetnsRunDir } from '../netns/prepare-run-dir.js';
import { registerLab, unregisterLab } from './registry.js';
import { sweepStaleLabsOnce } from './sweep.js';

export type LabErrorListener = (error: NetlabError) => void;

export class LabCore {
  readonly names = allocateLabNames();
  readonly children = new ChildSet();
  private readonly namespaces: string[] = [];
  private readonly errorListeners = new Set<LabErrorListener>();
  private closing: Promise<void> | undefined;
  private closedSync = false;

  private constructor() {
    registerLab(this);
  }

  /** Starts a lab; the first lab of a process also removes namespaces left by dead processes. */
  static async start(): Promise<LabCore> {
    prepareNetnsRunDir();
    await sweepStaleLabsOnce();
    return new LabCore();
  }

  get closed(): boolean {
    return this.closing !== undefined || this.closedSync;
  }

  async addNamespace(role: string): Promise<Netns> {
    if (this.closed) throw new NetlabError('CLOSED', 'lab is closed');
    const name = this.names.forRole(role);
    // Recorded before it exists, so a half-built lab still deletes it.
    this.namespaces.push(name);
    return Netns.create(name);
  }

  host(role: string, netns: Netns, ip: string): NetHost {
    return new NetHost(role, netns.name, ip, netns, this.children, () => this.closed);
  }

  namespaceNames(): readonly string[] {
    return [...this.namespaces];
  }

  onError(listener: LabErrorListener): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** A lab part failed while the lab was open (e.g. the delay forwarder died). */
  reportError(error: NetlabError): void {
    if (this.closed) return;
    if (this.errorListeners.size === 0) process.emitWarning(error);
    for (const listener of this.errorListeners) listener(error);
  }

  /** Kills every process of the lab, deletes its namespaces and waits until all handles are gone. */
  close(): Promise<void> {
    this.closing ??= this.teardown();
    return this.closing;
  }

  private async teardown(): Promise<void> {
    this.children.killAll();
    let failure: unknown;
    for (const name of this.namespaces) {
      try {
        await destroyNamespace(name);
      } catch (error) {
        failure ??= error;
      }
    }
    await this.children.closedAll();
    unregisterLab(this);
    if (failure !== undefined) throw failure;
  }

  /** The same teardown without waiting for exit events: for process exit and signal hooks. */
  closeSync(): void {
    if (this.closedSync) return;
    this.closedSync = true;
    this.children.killAll();
    for (const name of this.namespaces) destroyNamespaceSync(name);
    unregisterLab(this);
  }
}
