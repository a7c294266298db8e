// Every failure netlab reports is a NetlabError with a string code callers can switch on, so a test
// can tell "this machine cannot run a lab" (skip) from "the lab broke" (fail).

export const NetlabErrorCode = {
  /** The machine cannot run labs (not root, no netns, no /dev/net/tun, no C compiler...). */
  Unsupported: 'UNSUPPORTED',
  /** A system command (ip, iptables, sysctl) exited non-zero. */
  CommandFailed: 'COMMAND_FAILED',
  /** The delay forwarder did not compile, start, or answer. */
  ForwarderFailed: 'FORWARDER_FAILED',
  /** An operation on a lab that was already closed. */
  Closed: 'CLOSED',
  /** Invalid options passed by the caller. */
  InvalidOptions: 'INVALID_OPTIONS',
  /** A child did not send the awaited message or exit in time. */
  Timeout: 'TIMEOUT',
} as const;
export type NetlabErrorCode = (typeof NetlabErrorCode)[keyof typeof NetlabErrorCode];

export class NetlabError extends Error {
  override readonly name = 'NetlabError';
  readonly code: NetlabErrorCode;

  constructor(code: NetlabErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export function isNetlabError(value: unknown, code?: NetlabErrorCode): value is NetlabError {
  return value instanceof NetlabError && (code === undefined || value.code === code);
}
