import { join } from 'node:path';
import { repoRoot, shiftedPortEnv } from '../src/index.js';

/** The test stack: its own state dir and every port shifted by +10000 (MariaDB 13307, Kafka 19092, ...). */
export function testStackEnv(): Record<string, string> {
  return {
    ...shiftedPortEnv(10_000),
    STACK_STATE_DIR: process.env.TEST_STACK_STATE_DIR ?? join(repoRoot, '.stack-test'),
  };
}
