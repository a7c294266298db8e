// One NAT-matrix peer, in its own process inside a netlab host (a namespace behind some NAT): for
// each `pair` command it joins the lobby on the lab's public server, queues for a mode only its
// partner queues for, accepts the match, connects to the partner with tickwire through the lobby's
// signaling and TURN credentials, and reports when the match was found, when both channels were
// open (CLOCK_MONOTONIC ms: one clock for every process on the machine), the path in stats(), the
// candidates it gathered, and whether both channels carried a message from the partner. It must
// never outlive the orchestrator (startWorker exits on disconnect) nor keep a connection or lobby
// session past `finish`. With `holdForRestart` the connection stays up after the pair command (its
// chatter going on) until `finish`, and `restored` reports the ICE restart the orchestrator caused
// by breaking the path under it.
import { LobbyClient } from '@tickwire/lobby-server/client';
import { connect } from '@tickwire/transport';
import type { Connection, ConnectionPath, SignalMessage, Signaler } from '@tickwire/transport';
import { startWorker } from '../../ipc/worker.js';

export interface PairCommand {
  readonly lobbyUrl: string;
  /** A mode name only this pair queues for, so the matchmaker pairs exactly these two. */
  readonly mode: string;
  readonly name: string;
  readonly connectTimeoutMs: number;
  /** How long to wait for the partner's message on each channel after open. */
  readonly exchangeTimeoutMs: number;
  /** The transport's relayFallback.afterMs; default: the transport's default. */
  readonly relayFallbackAfterMs?: number;
  /** Keep the connection open after reporting, for an ICE-restart measurement (`restored`). */
  readonly holdForRestart?: boolean;
}

/** What one side saw of an ICE restart (CLOCK_MONOTONIC ms). */
export interface RestartOutcome {
  readonly ok: boolean;
  readonly restartingAtMs?: number;
  readonly restoredAtMs?: number;
  /** The transport's own `restored.durationMs`: restarting → both new channels open. */
  readonly durationMs?: number;
  readonly reason?: string;
  readonly path?: ConnectionPath;
  /** Whether this side emitted `restarting` at all. */
  readonly restarted: boolean;
  /** Partner messages that arrived while waiting (the path healed by itself when > 0 unrestarted). */
  readonly heardWhileWaiting: number;
  readonly error?: { code?: string; message: string };
}

export interface AgentOutcome {
  readonly ok: boolean;
  readonly role?: 'offerer' | 'answerer';
  /** CLOCK_MONOTONIC ms of this side's `matchFound`. */
  readonly foundAtMs?: number;
  /** CLOCK_MONOTONIC ms of this side's `matchReady` (both accepted; connecting starts). */
  readonly readyAtMs?: number;
  /** CLOCK_MONOTONIC ms when both channels were open on this side. */
  readonly openAtMs?: number;
  readonly path?: ConnectionPath;
  /** Channels on which a message from the partner arrived. */
  readonly received: ReadonlyArray<'reliable' | 'unreliable'>;
  /** Candidate lines this side gathered and signaled. */
  readonly localCandidates: readonly string[];
  /** The ICE server URLs the lobby handed out (with credentials, not shown here). */
  readonly iceUrls: readonly string[];
  readonly relayFallback?: { attempt: number; reason: string };
  readonly error?: { code?: string; message: string; step?: string };
}

const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

function errorOf(error: unknown): AgentOutcome['error'] {
  const e = error as { code?: unknown; message?: unknown; details?: { step?: unknown } };
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: String(e?.message ?? error),
    ...(typeof e?.details?.step === 'string' ? { step: e.details.step } : {}),
  };
}

startWorker(({ ipc, onShutdown }) => {
  let lobby: LobbyClient | undefined;
  let conn: Connection | undefined;
  let chatter: ReturnType<typeof setInterval> | undefined;
  let restart:
    | {
        restartingAtMs?: number;
        reason?: string;
        restored: Promise<Omit<RestartOutcome, 'heardWhileWaiting'>>;
      }
    | undefined;
  /** Every partner message of the current pair (the restart measurement reads the difference). */
  let heard = 0;

  const finish = (): void => {
    if (chatter !== undefined) clearInterval(chatter);
    chatter = undefined;
    conn?.close();
    lobby?.close();
    conn = undefined;
    lobby = undefined;
    restart = undefined;
  };
  onShutdown(finish);
  ipc.handle('finish', () => {
    finish();
    return true;
  });

  ipc.handle('restored', async (timeoutMs: number): Promise<RestartOutcome> => {
    const seen = restart;
    if (!seen)
      return { ok: false, restarted: false, heardWhileWaiting: 0, error: { message: 'no held connection' } };
    const heardBefore = heard;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      seen.restored,
      new Promise<Omit<RestartOutcome, 'heardWhileWaiting'>>((resolve) => {
        timer = setTimeout(
          () =>
            resolve({
              ok: false,
              restarted: seen.restartingAtMs !== undefined,
              error: { message: `not restored within ${timeoutMs} ms` },
            }),
          timeoutMs,
        );
      }),
    ]);
    clearTimeout(timer);
    return { ...outcome, heardWhileWaiting: heard - heardBefore };
  });

  ipc.handle('pair', async (command: PairCommand): Promise<AgentOutcome> => {
    finish();
    const localCandidates: string[] = [];
    const iceUrls: string[] = [];
    let readyAtMs: number | undefined;
    const received = new Set<'reliable' | 'unreliable'>();
    let foundAtMs: number | undefined;
    let role: 'offerer' | 'answerer' | undefined;
    let relayFallback: AgentOutcome['relayFallback'];
    const outcome = (rest: Partial<AgentOutcome>): AgentOutcome => ({
      ok: false,
      received: [...received],
      localCandidates,
      iceUrls,
      ...(role ? { role } : {}),
      ...(readyAtMs === undefined ? {} : { readyAtMs }),
      ...(foundAtMs === undefined ? {} : { foundAtMs }),
      ...(relayFallback ? { relayFallback } : {}),
      ...rest,
    });
    try {
      const client = await LobbyClient.connect({
        url: command.lobbyUrl,
        name: command.name,
        reconnect: false,
      });
      lobby = client;
      client.on('matchFound', (found) => {
        foundAtMs ??= monotonicMs();
        void client.acceptMatch(found.matchId).catch(() => undefined);
      });
      const ready = client.waitFor('matchReady', undefined, 30_000);
      await client.queue({ mode: command.mode });
      const [match] = await ready;
      readyAtMs = monotonicMs();
      const self = client.sessionId;
      const authority = match.authority.kind === 'player' ? match.authority.playerId : '';
      const partner = match.room.members.find((m) => m.id !== self)?.id;
      if (!partner) throw new Error('the match has no partner');
      role = authority === self ? 'answerer' : 'offerer';
      const lobbySignaler = client.signalerFor(partner);
      // Records what this side gathers: the evidence when a network yields no usable candidate.
      const signaler: Signaler = {
        send: (message: SignalMessage) => {
          if (message.kind === 'candidate') localCandidates.push(message.candidate);
          return lobbySignaler.send(message);
        },
        onMessage: (handler) => lobbySignaler.onMessage(handler),
      };
      const iceServers = client.turn ? [...client.turn.iceServers] : [];
      for (const server of iceServers)
        iceUrls.push(...(typeof server.urls === 'string' ? [server.urls] : server.urls));
      const connection = connect({
        role,
        signaler,
        iceServers,
        connectTimeoutMs: command.connectTimeoutMs,
        ...(command.relayFallbackAfterMs === undefined
          ? {}
          : { relayFallback: { afterMs: command.relayFallbackAfterMs } }),
        label: command.name,
      });
      conn = connection;
      connection.on('relay-fallback', (event) => (relayFallback = { ...event }));
      if (command.holdForRestart) {
        const seen: NonNullable<typeof restart> = {
          restored: new Promise((resolve) => {
            connection.on('restored', (event) =>
              resolve({
                ok: true,
                restarted: true,
                ...(seen.restartingAtMs === undefined ? {} : { restartingAtMs: seen.restartingAtMs }),
                ...(seen.reason === undefined ? {} : { reason: seen.reason }),
                restoredAtMs: monotonicMs(),
                durationMs: event.durationMs,
              }),
            );
            connection.on('close', (event) =>
              resolve({
                ok: false,
                restarted: seen.restartingAtMs !== undefined,
                error: errorOf(event.error ?? new Error(`closed (${event.reason})`)),
              }),
            );
          }),
        };
        connection.on('restarting', (event) => {
          seen.restartingAtMs ??= monotonicMs();
          seen.reason ??= event.reason;
        });
        restart = seen;
      }
      const exchanged = new Promise<void>((resolve) => {
        connection.on('message', (event) => {
          heard += 1;
          received.add(event.channel);
          if (received.size === 2) resolve();
        });
      });
      await connection.opened;
      const openAtMs = monotonicMs();
      connection.send('reliable', { from: role });
      // Unreliable: repeated until `finish`, so the partner gets one even if it opened later.
      chatter = setInterval(() => {
        if (connection.state === 'open') connection.send('unreliable', { from: role });
      }, 50);
      connection.send('unreliable', { from: role });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gotBoth = await Promise.race([
        exchanged.then(() => true),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(false), command.exchangeTimeoutMs)),
        ),
      ]);
      clearTimeout(timer);
      // A Node answerer sends its candidates only once connected, so a pair can open before the
      // partner's candidates arrive and name its address peer-reflexive; the path is named again
      // when they come, and re-read on every ping: give it two pings to settle.
      for (let pings = 0; pings < 2 && connection.stats().path?.type === 'prflx'; pings++) {
        await new Promise<void>((resolve) => {
          const offs = [connection.on('rtt', done), connection.on('close', done)];
          function done(): void {
            for (const off of offs) off();
            resolve();
          }
        });
      }
      const path = connection.stats().path ?? undefined;
      return outcome({
        ok: gotBoth,
        openAtMs,
        ...(path ? { path } : {}),
        ...(gotBoth
          ? {}
          : { error: { message: 'a channel carried no message from the partner', step: 'exchange' } }),
      });
    } catch (error) {
      return outcome({ error: errorOf(error) });
    }
  });
});
