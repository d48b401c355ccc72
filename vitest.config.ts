import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests each start their own emulator on an ephemeral port; two workers fit 2 cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
