import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/{db,server,live,reliability}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
