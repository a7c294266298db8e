// Runs the whole codec suite again with msgpackr's native string extractor (msgpackr-extract)
// disabled, so behaviour is proven identical with and without it. The variable must be set before
// msgpackr loads; vitest runs each test file in its own fork, so the other files keep the addon.
import { vi } from 'vitest';

vi.hoisted(() => {
  process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED = 'true';
});

const { isNativeAccelerationEnabled } = await import('msgpackr');
const { describe, expect, it } = await import('vitest');

describe('msgpackr without its native accelerator', () => {
  it('is really running the pure-JS string reader in this file', () => {
    expect(isNativeAccelerationEnabled).toBe(false);
  });
});

await import('./codec.test.js');
await import('./codec-bombs.test.js');
