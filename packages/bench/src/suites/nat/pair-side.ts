// One side of a NAT-matrix pair, the same code in a Node agent (agent-worker.ts) and in a Chromium
// page (browser/page-entry.ts, where bundlers pick the transport's browser build): join the lobby,
// queue for a mode only the partner queues for, accept the match, connect to the partner with
// tickwire through the lobby's signaling and TURN credentials, and report when the match was found,
// when both channels were open, the path in stats(), the candidates gathered, and whether both
// channels carried a message from the partner. With `holdForRestart` the connection stays up after
// the pair command (its chatter going on) until `finish`, and `restored` reports the ICE restart the
// orchestrator caused by breaking the path under it. It must never import a Node core module (it
// runs in the page) nor keep a connection or lobby session past `finish`.
import { LobbyClient } from '@tickwire/lobby-server/client';
import { connect } from '@tickwire/transport';
import type { Connection, ConnectionPath, SignalMessage, Signaler } from '@tickwire/transport';

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
  /** The transport's wsRelay (the lobby relay): false = off, a number = its afterMs. */
  readonly wsRelay?: false | number;
  /** Keep the connection open after reporting, for an ICE-restart measurement (`restored`). */
  readonly holdForRestart?: boolean;
  /** The transport's iceRestart.silenceMs; default: the transport's default. */
  readonly restartSilenceMs?: number;
}

/** What one side saw of an ICE restart (PairSide's clock, ms). */
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

interface RestartWatch {
  restartingAtMs?: number;
  reason?: string;
  restored: Promise<Omit<RestartOutcome, 'heardWhileWaiting'>>;
}

export interface AgentOutcome {
  readonly ok: boolean;
  readonly role?: 'offerer' | 'answerer';
  /** This side's clock (PairSide's `now`) at `matchFound`. */
  readonly foundAtMs?: number;
  /** This side's clock at `matchReady` (both accepted; connecting starts). */
  readonly readyAtMs?: number;
  /** This side's clock when both channels were open on this side. */
  readonly openAtMs?: number;
  readonly path?: ConnectionPath;
  /** Channels on which a message from the partner arrived. */
  readonly received: ReadonlyArray<'reliable' | 'unreliable'>;
  /** Candidate lines this side gathered and signaled. */
  readonly localCandidates: readonly string[];
  /** The DTLS role (`a=setup`) of each description this side sent, in order (offer or answer). */
  readonly sentSetups: readonly string[];
  /** The ICE server URLs the lobby handed out (with credentials, not shown here). */
  readonly iceUrls: readonly string[];
  /** The last relay-fallback event: the TURN attempt, or the lobby relay (`via`). */
  readonly relayFallback?: { attempt: number; reason: string; via: string };
  /** Every relay-fallback event, in order (e.g. whether a TURN attempt came before the lobby relay). */
  readonly relayFallbacks: ReadonlyArray<{ attempt: number; reason: string; via: string }>;
  readonly error?: { code?: string; message: string; step?: string };
}

function errorOf(error: unknown): AgentOutcome['error'] {
  const e = error as { code?: unknown; message?: unknown; details?: { step?: unknown } };
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: String(e?.message ?? error),
    ...(typeof e?.details?.step === 'string' ? { step: e.details.step } : {}),
  };
}

/**
 * One peer of the matrix. `now` is a clock in ms that both sides of a pair share (Node agents:
 * CLOCK_MONOTONIC; pages: performance.timeOrigin + performance.now(), the machine's wall clock).
 */
export class PairSide {
  private lobby: LobbyClient | undefined;
  private conn: Connection | undefined;
  private chatter: ReturnType<typeof setInterval> | undefined;
  private restart: RestartWatch | undefined;
  /** Every partner message of the current pair (the restart measurement reads the difference). */
  private heard = 0;

  constructor(private readonly now: () => number) {}

  finish(): void {
    if (this.chatter !== undefined) clearInterval(this.chatter);
    this.chatter = undefined;
    this.conn?.close();
    this.lobby?.close();
    this.conn = undefined;
    this.lobby = undefined;
    this.restart = undefined;
  }

  /** Waits up to `timeoutMs` for the held connection's ICE restart to restore it. */
  async restored(timeoutMs: number): Promise<RestartOutcome> {
    const seen = this.restart;
    if (!seen)
      return { ok: false, restarted: false, heardWhileWaiting: 0, error: { message: 'no held connection' } };
    const heardBefore = this.heard;
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
    const path = this.conn?.stats().path ?? undefined;
    return { ...outcome, ...(path ? { path } : {}), heardWhileWaiting: this.heard - heardBefore };
  }

  /** Records the connection's `restarting` and `restored` (or its close) for `restored()`. */
  private watchRestart(connection: Connection): void {
    const seen: RestartWatch = {
      restored: new Promise((resolve) => {
        connection.on('restored', (event) =>
          resolve({
            ok: true,
            restarted: true,
            ...(seen.restartingAtMs === undefined ? {} : { restartingAtMs: seen.restartingAtMs }),
            ...(seen.reason === undefined ? {} : { reason: seen.reason }),
            restoredAtMs: this.now(),
            durationMs: event.durationMs,
          }),
        );
        connection.on('close', (event) =>
          resolve({
            ok: false,
            restarted: seen.restartingAtMs !== undefined,
            error: errorOf(event.error ?? new Error(`closed (${event.reason})`)) ?? { message: 'closed' },
          }),
        );
      }),
    };
    connection.on('restarting', (event) => {
      seen.restartingAtMs ??= this.now();
      seen.reason ??= event.reason;
    });
    this.restart = seen;
  }

  async pair(command: PairCommand): Promise<AgentOutcome> {
    this.finish();
    const localCandidates: string[] = [];
    const sentSetups: string[] = [];
    const iceUrls: string[] = [];
    let readyAtMs: number | undefined;
    const received = new Set<'reliable' | 'unreliable'>();
    let foundAtMs: number | undefined;
    let role: 'offerer' | 'answerer' | undefined;
    let relayFallback: AgentOutcome['relayFallback'];
    const relayFallbacks: Array<NonNullable<AgentOutcome['relayFallback']>> = [];
    const outcome = (rest: Partial<AgentOutcome>): AgentOutcome => ({
      ok: false,
      received: [...received],
      localCandidates,
      sentSetups,
      iceUrls,
      ...(role ? { role } : {}),
      ...(readyAtMs === undefined ? {} : { readyAtMs }),
      ...(foundAtMs === undefined ? {} : { foundAtMs }),
      ...(relayFallback ? { relayFallback } : {}),
      relayFallbacks: [...relayFallbacks],
      ...rest,
    });
    try {
      const client = await LobbyClient.connect({
        url: command.lobbyUrl,
        name: command.name,
        reconnect: false,
      });
      this.lobby = client;
      client.on('matchFound', (found) => {
        foundAtMs ??= this.now();
        void client.acceptMatch(found.matchId).catch(() => undefined);
      });
      const ready = client.waitFor('matchReady', undefined, 30_000);
      await client.queue({ mode: command.mode });
      const [match] = await ready;
      readyAtMs = this.now();
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
          if (message.kind === 'description')
            sentSetups.push(/^a=setup:(\w+)/m.exec(message.sdp)?.[1] ?? 'none');
          return lobbySignaler.send(message);
        },
        onMessage: (handler) => lobbySignaler.onMessage(handler),
        relayPipe: () => lobbySignaler.relayPipe(),
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
        ...(command.wsRelay === undefined
          ? {}
          : { wsRelay: command.wsRelay === false ? false : { afterMs: command.wsRelay } }),
        ...(command.restartSilenceMs === undefined
          ? {}
          : { iceRestart: { silenceMs: command.restartSilenceMs } }),
        label: command.name,
      });
      this.conn = connection;
      connection.on('relay-fallback', (event) => {
        relayFallback = { ...event };
        relayFallbacks.push({ ...event });
      });
      if (command.holdForRestart) this.watchRestart(connection);
      const exchanged = new Promise<void>((resolve) => {
        connection.on('message', (event) => {
          this.heard += 1;
          received.add(event.channel);
          if (received.size === 2) resolve();
        });
      });
      await connection.opened;
      const openAtMs = this.now();
      connection.send('reliable', { from: role });
      // Unreliable: repeated until `finish`, so the partner gets one even if it opened later.
      this.chatter = setInterval(() => {
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
      // when they come, and re-read on every ping: give it two pings to settle. Chromium after a
      // relay fallback sometimes has no selected pair yet when the channels open (the path is
      // undefined on one side in most such runs): it appears with the next reads.
      const unsettled = (): boolean => (connection.stats().path?.type ?? 'prflx') === 'prflx';
      for (let pings = 0; pings < 3 && connection.state === 'open' && unsettled(); pings++) {
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
  }
}
