import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One file at a time: the browser tests run two Chromium contexts each and the probes measure
    // timing; side by side on a small CI machine they would measure each other.
    fileParallelism: false,
  },
});
