// Where msgpackr's optional native string extractor (msgpackr-extract) can load, the main suite must
// really run with it (codec-js-only.test.ts covers the pure-JS reader with the same tests).
import { createRequire } from 'node:module';
import { isNativeAccelerationEnabled } from 'msgpackr';
import { describe, expect, it } from 'vitest';

function addonLoads(): boolean {
  try {
    const fromMsgpackr = createRequire(createRequire(import.meta.url).resolve('msgpackr'));
    const addon = fromMsgpackr('msgpackr-extract') as { extractStrings?: unknown };
    return typeof addon.extractStrings === 'function';
  } catch {
    return false;
  }
}

describe('msgpackr native accelerator', () => {
  it.skipIf(!addonLoads())('is in use when msgpackr-extract is installed and not disabled', () => {
    expect(process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED).toBeUndefined();
    expect(isNativeAccelerationEnabled).toBe(true);
  });
});
