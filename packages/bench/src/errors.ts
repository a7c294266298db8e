// Every failure the bench runner reports is a BenchError with a string code: the CLI turns codes
// into exit statuses and recorded notes. Never swallow a failure silently: a benchmark that hides
// why it could not run is worse than none.

export const BenchErrorCode = {
  /** Bad command line. */
  Usage: 'USAGE',
  /** A suite's module is missing or does not export its runner. */
  SuiteUnavailable: 'SUITE_UNAVAILABLE',
  /** A peer process or connection failed. */
  PeerFailed: 'PEER_FAILED',
  /** A step did not finish in time. */
  Timeout: 'TIMEOUT',
  /** A report does not have the documented JSON shape. */
  InvalidReport: 'INVALID_REPORT',
  /** The network lab cannot run here (not root, no TUN, no iptables). */
  NetlabUnsupported: 'NETLAB_UNSUPPORTED',
} as const;
export type BenchErrorCode = (typeof BenchErrorCode)[keyof typeof BenchErrorCode];

export class BenchError extends Error {
  override readonly name = 'BenchError';
  readonly code: BenchErrorCode;

  constructor(code: BenchErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export function isBenchError(value: unknown, code?: BenchErrorCode): value is BenchError {
  return value instanceof BenchError && (code === undefined || value.code === code);
}
