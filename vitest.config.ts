import { defineConfig } from "vitest/config";

// One control plane and one Git server serve the whole run (test/global-setup.ts);
// suites isolate themselves by namespace and repository name, so files may run in
// parallel. Timeouts are generous because a 2-core machine is also running the
// API server, etcd, the scheduler and KWOK.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
    pool: "forks",
  },
});
