// An in-process stand-in for the lobby's relay pipe (the real one is tested against a real lobby in
// packages/lobby-server/test/ws-relay.test.ts): frames reach the other end a macrotask later, like a
// socket, and a test can refuse frames or close it.
import type { RelayPipe, RelayRefusal } from '../src/index.js';

/** One end of an in-process relay: frames to the other end a macrotask later, like a socket. */
export class TestPipe implements RelayPipe {
  readonly maxFrameBytes = 4_096;
  readonly protocol = 'tcp' as const;
  readonly address = '192.0.2.1';
  readonly port = 443;
  other: TestPipe | undefined;
  readonly frames = new Set<(frame: Uint8Array, reliable: boolean) => void>();
  readonly refusals = new Set<(refusal: RelayRefusal) => void>();
  readonly closes = new Set<() => void>();
  sent = 0;

  send(frame: Uint8Array, reliable: boolean): void {
    this.sent += 1;
    setTimeout(() => this.other?.frames.forEach((h) => h(frame, reliable)), 0);
  }
  bufferedAmount(): number {
    return 0;
  }
  onFrame(handler: (frame: Uint8Array, reliable: boolean) => void): () => void {
    this.frames.add(handler);
    return () => this.frames.delete(handler);
  }
  onRefused(handler: (refusal: RelayRefusal) => void): () => void {
    this.refusals.add(handler);
    return () => this.refusals.delete(handler);
  }
  onDrain(): () => void {
    return () => undefined;
  }
  onClosed(handler: () => void): () => void {
    this.closes.add(handler);
    return () => this.closes.delete(handler);
  }
}
