import { defineConfig } from 'vitest/config';

// Each file runs `npm install` once into a temporary project: slow (registry, native packages),
// so files run one after another with generous timeouts, and the tarballs are packed once.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
