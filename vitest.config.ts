import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: with several workers on 2 CPUs (and a busy machine) a test may take a few times longer
    // than alone; a timeout is for a test that hangs, not a slow one.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker less than the CPUs: a single worker on a 2-CPU machine, so
    // files ran one at a time while most of them wait on sockets, timers and child processes.
    // Three workers keep both CPUs busy through those waits.
    maxWorkers: 3,
  },
});
