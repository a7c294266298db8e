import { defineConfig } from 'vitest/config';

export default defineConfig({
  // WebRTC peers take a moment to connect, more on a busy machine.
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
