import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker less than the CPUs: a single worker on a 2-CPU machine, so
    // files ran one at a time while most of them wait on sockets, timers and child processes.
    // Three workers keep both CPUs busy through those waits.
    maxWorkers: 3,
  },
});
