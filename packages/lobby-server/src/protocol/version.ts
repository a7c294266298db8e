// The wire protocol version. Bump it when a change is not backward compatible; the server answers
// a `hello` with another version by `unsupported_version` and close code 4003.
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_VERSIONS: readonly number[] = [1];
