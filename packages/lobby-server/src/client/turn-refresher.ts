// Keeps a client's TURN credentials valid for a long game: coturn's use-auth-secret credentials
// expire after the lobby's TURN ttl, and a relay fallback or ICE restart late in a game must not
// present expired ones (coturn refuses them with 401). At ~80 % of the current credentials' life
// it asks the lobby for new ones (`turn.refresh`); a failed ask is retried a few seconds later
// while the current ones are still valid. It never throws: a failure goes to `onError`, and the
// timer is unref'd and stopped on `stop()`, so it never keeps a process alive.
import type { TurnCredentials } from '../protocol/views.js';

/** Refresh at this share of the credentials' remaining life. */
export const TURN_REFRESH_AT = 0.8;
const MIN_DELAY_MS = 1_000;
const RETRY_MS = 5_000;

export interface TurnRefresherHooks {
  /** Asks the lobby for fresh credentials. */
  refresh(): Promise<TurnCredentials>;
  /** New credentials are in (the client's `turn` now returns them). */
  refreshed(turn: TurnCredentials): void;
  onError(error: unknown): void;
}

export class TurnRefresher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: TurnCredentials | null = null;
  private stopped = false;

  constructor(private readonly hooks: TurnRefresherHooks) {}

  /** The freshest credentials seen (from a welcome or a refresh), or null without TURN. */
  get latest(): TurnCredentials | null {
    return this.current;
  }

  /** Credentials arrived (a welcome, a refresh): keep the later-expiring ones, plan the next ask. */
  offer(turn: TurnCredentials | null): void {
    if (this.stopped || turn === null) return;
    if (this.current !== null && this.current.expiresAt >= turn.expiresAt) return;
    this.current = turn;
    this.schedule(Math.max(MIN_DELAY_MS, (turn.expiresAt - Date.now()) * TURN_REFRESH_AT));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      const turn = await this.hooks.refresh();
      if (this.stopped) return;
      const before = this.current;
      this.offer(turn);
      if (this.current !== before) this.hooks.refreshed(turn);
      else this.retryWhileValid(); // the lobby returned nothing newer
    } catch (error) {
      if (this.stopped) return;
      this.hooks.onError(error);
      this.retryWhileValid();
    }
  }

  private retryWhileValid(): void {
    if (this.current !== null && this.current.expiresAt - Date.now() > RETRY_MS) this.schedule(RETRY_MS);
  }
}
