// Relays one connection's signaling between two workers through this process, for peers that
// live in two different children (capacity: authority and clients; loss: two netlab hosts).
import type { IpcEndpoint } from './endpoint.js';

/** Forwards `conn`'s signals both ways between `a` and `b`; returns a function that stops it. */
export function bridgeSignals(a: IpcEndpoint, b: IpcEndpoint, conn: string): () => void {
  const toB = b.signaler(conn);
  const toA = a.signaler(conn);
  const offA = a.signaler(conn).onMessage((m) => void toB.send(m));
  const offB = b.signaler(conn).onMessage((m) => void toA.send(m));
  return () => {
    offA();
    offB();
  };
}
