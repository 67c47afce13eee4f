import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The JSON report feeds the "N passed, N failed" line that .ci/run prints.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    // The slowest tests (the machine's model walk, CLI runs in child processes) take about 6 s on
    // a quiet 2-core machine and four to five times that when the machine is shared; a limit is
    // there to stop a hang, not to time them.
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
