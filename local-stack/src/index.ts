export { loadStackConfig, serviceEnv, shiftedPortEnv, stackEnvSchema, testStackEnv, repoRoot, type StackConfig } from './config.js';
export { createContext, down, status, up, type ComponentStatus, type UpResult } from './stack.js';
export { components } from './components/index.js';
export { formatStatusTable } from './status-table.js';
