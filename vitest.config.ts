// Vitest projects: unit tests, and integration tests on the test stack (one fork, lifecycle files last).
import { defineConfig } from 'vitest/config';
import { LastFileSequencer } from './test/last-file-sequencer.js';

export default defineConfig({
  test: {
    sequence: { sequencer: LastFileSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.e2e.test.ts'],
          // Some unit tests run shell scripts or child processes: vitest's 5 s default is too short
          // for them on a 2-core machine at a load average of 25.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/test/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['./local-stack/test/global-setup.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
