import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most tests wait on sockets, timers and child processes: two files at once even on two cores
    // (vitest's default there is one).
    maxWorkers: 2,
    setupFiles: ["test/helpers/console-guard.ts"],
  },
});
