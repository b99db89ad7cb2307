import { defineConfig } from 'vitest/config';

// Suites that run on the machine's one real node (kubelet + containerd): they share one node, started
// once by the global setup, and run one file at a time after every other suite (the node's kubelet
// has fixed paths and ports, and its timings should not compete with the rest of the suite).
const REAL_NODE = ['test/real-node/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: REAL_NODE },
      },
      {
        extends: true,
        test: {
          name: 'real-node',
          include: REAL_NODE,
          globalSetup: ['test/support/real-node/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
