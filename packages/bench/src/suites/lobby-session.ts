// One raw lobby protocol session for the `lobby` bench and its child processes: a `ws` socket plus
// a callback for every server message and request/reply matching. 50,000 full LobbyClients would
// measure the client library, not the server.
import { WebSocket } from 'ws';

export type Message = { t: string; re?: number; [key: string]: unknown };

export class Session {
  id = '';
  private nextId = 1;
  private readonly replies = new Map<number, (m: Message) => void>();
  onMessage: (m: Message) => void = () => undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      if ((message.t === 'ok' || message.t === 'error') && message.re !== undefined) {
        const reply = this.replies.get(message.re);
        this.replies.delete(message.re);
        reply?.(message);
        return;
      }
      this.onMessage(message);
    });
    ws.on('error', () => undefined);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(value: object): void {
    this.ws.send(JSON.stringify(value));
  }

  request(value: object): Promise<Message> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.replies.set(id, (m) =>
        m.t === 'ok' ? resolve(m) : reject(new Error(`${String(m.code)}: ${String(m.message)}`)),
      );
      this.send({ ...value, id });
    });
  }
}

export function openSession(url: string, localAddress?: string): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
    const session = new Session(ws);
    // Generous: on a loaded machine a handshake waits its turn behind thousands of others.
    const timer = setTimeout(() => reject(new Error('hello timed out')), 120_000);
    ws.once('open', () => session.send({ t: 'hello', v: 1, name: 'bench' }));
    ws.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`closed before welcome (${code})`));
    });
    session.onMessage = (m) => {
      if (m.t !== 'welcome') return;
      clearTimeout(timer);
      session.id = String(m.sessionId);
      session.onMessage = () => undefined;
      resolve(session);
    };
  });
}

/** Opens `count` sessions round-robin over `urls`, 100 handshakes at a time; failures are counted. */
export async function openMany(
  urls: readonly string[],
  count: number,
  localAddress: string,
  onOpened: (n: number) => void,
): Promise<{ sessions: Session[]; failed: number }> {
  const sessions: Session[] = [];
  let failed = 0;
  const batch = 100;
  for (let i = 0; i < count; i += batch) {
    const size = Math.min(batch, count - i);
    const settled = await Promise.allSettled(
      Array.from({ length: size }, (_, k) => openSession(urls[(i + k) % urls.length]!, localAddress)),
    );
    for (const result of settled) {
      if (result.status === 'fulfilled') sessions.push(result.value);
      else failed += 1;
    }
    onOpened(sessions.length);
  }
  return { sessions, failed };
}

/** Waits for `promise` or `ms`, whichever comes first, and never leaves the timer behind. */
export async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
