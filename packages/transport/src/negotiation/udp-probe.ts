// Whether this side's network lets UDP out at all, read from one WebRTC attempt's gathering: an
// attempt whose ICE servers include a UDP STUN/TURN server and that gathered no server-reflexive or
// relay candidate within UDP_PROBE_MS reached no server over UDP. On a platform that cannot relay
// over TCP or TLS (node-datachannel: libjuice has TURN over UDP only), such a side has no WebRTC
// path at all, so the offerer skips the TURN attempt and goes straight to the lobby relay. It only
// reports: what to do with the verdict is the negotiator's matter. It must never decide anything on
// a platform that relays over TCP (a UDP-blocked browser reaches TURN over TCP/TLS), nor keep a
// timer past `stop()`.
import type { IceServerConfig } from '../rtc/adapter.js';
import { iceServerUrls } from '../rtc/ice-servers.js';

/**
 * How long a gathering may go without a reflexive or relay candidate before UDP counts as blocked.
 * In the NAT lab (`pnpm bench nat`) the STUN answer came 1-3 ms after gathering started on every
 * host that lets UDP out; on the UDP-blocked hosts gathering never completed. 500 ms covers a
 * STUN round trip on a slow mobile network while leaving a blocked pair time to reach the lobby
 * relay within the 2 s target. A false verdict (the first STUN request lost and answered only
 * after its retransmission) costs a pair that would have hole-punched later a lobby-relay path,
 * and only when its ICE has selected no pair by then.
 */
export const UDP_PROBE_MS = 500;

const REACHED_SERVER = /\styp\s+(srflx|relay)(\s|$)/;
/** stun:, or turn: over UDP (no `?transport=tcp`); `stuns:`/`turns:` run over TLS. */
const UDP_SERVER = /^(stun:|turn:(?!.*\?transport=tcp))/i;

/** Whether an attempt with these servers would learn anything over UDP (else the probe is moot). */
export function hasUdpServer(servers: readonly IceServerConfig[]): boolean {
  return iceServerUrls(servers).some((url) => UDP_SERVER.test(url));
}

export class UdpProbe {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reached = false;

  /** Starts watching an attempt's gathering; `onBlocked` runs once if nothing got through in time. */
  constructor(onBlocked: () => void, delayMs = UDP_PROBE_MS) {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.reached) onBlocked();
    }, delayMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** A candidate the attempt gathered (before any hold): a reflexive or relay one ends the probe. */
  gathered(candidate: string): void {
    if (!REACHED_SERVER.test(candidate)) return;
    this.reached = true;
    this.stop();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
