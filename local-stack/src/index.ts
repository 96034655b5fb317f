export { loadStackConfig, serviceEnv, shiftedPortEnv, stackEnvSchema, testStackEnv, repoRoot, type StackConfig } from './config.js';
export { createContext, down, status, stopComponent, up, type ComponentStatus, type UpResult } from './stack.js';
export { components, type StackContext } from './components/index.js';
export { formatStatusTable } from './status-table.js';
export { clientEnv } from './client-env.js';
export { PINOT_TABLES, readTableSchema, renderTableTemplate, type TableTemplateValues } from './components/pinot-tables.js';
export { findBinary, isExecutableFile } from './prerequisites.js';
