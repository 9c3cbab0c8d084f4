import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): barback as real child processes that get killed,
 * a PostgreSQL cluster that gets stopped. One file at a time: each one loads the machine.
 */
export default defineConfig({
  test: {
    name: 'faults',
    include: ['test/faults/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 150_000,
    hookTimeout: 120_000,
  },
});
