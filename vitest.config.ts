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
    // Files in one worker share the module graph: importing the engine, the features and the SDKs once
    // per worker instead of once per file took the suite from 2 min 59 s to 1 min 40 s here. Tests keep no
    // state in modules; the few process-wide settings a test changes (KNOWLEDGE_DIR, DATABASE_PATH, the
    // English word list's source) are restored by that test.
    isolate: false,
  },
});
