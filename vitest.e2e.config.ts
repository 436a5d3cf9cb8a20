/**
 * The end-to-end suite (`npx vitest run -c vitest.e2e.config.ts`): tests/e2e/*.test.ts, each
 * starting the real server as `npm start` does and driving Debian's Chromium with playwright-core.
 * One file at a time: each runs a server and a browser, and the machine has two cores.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
