// The one place the client touches a WebSocket implementation. Browsers (and Node 22+) have a
// global WebSocket; on Node 20 the `ws` package is loaded lazily, by a specifier bundlers do not
// follow, so the browser build never pulls in Node code. Tests and exotic runtimes inject their own.

/** The subset of the WHATWG WebSocket the client uses (`ws` implements it too). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  /** Set to 'arraybuffer' so binary messages (relay frames) arrive as ArrayBuffer. */
  binaryType?: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type SocketFactory = (url: string) => WebSocketLike | Promise<WebSocketLike>;

type WebSocketConstructor = new (url: string) => WebSocketLike;

export const OPEN = 1;

export const defaultSocketFactory: SocketFactory = async (url) => {
  const native = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (native) return new native(url);
  const specifier = 'ws';
  const module = (await import(/* @vite-ignore */ specifier)) as { WebSocket: WebSocketConstructor };
  return new module.WebSocket(url);
};
