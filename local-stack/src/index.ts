// The public API of @pizzashop/local-stack, for tests, drills, benches and scripts.
export { loadStackConfig, kafkaBootstrap, memberPort, pinotBrokerUrls, serviceEnv, shiftedPortEnv, stackEnvSchema, testStackEnv, repoRoot, type StackConfig } from './config.js';
export { createContext, down, status, stopComponent, up, type ComponentStatus, type UpResult } from './stack.js';
export { stackComponents, type StackContext } from './components/index.js';
export { javaLaunch, LOG4J2_CONFIG, QUICK_START } from './components/jvm.js';
export type { LaunchSpec } from './processes.js';
export { formatStatusTable } from './status-table.js';
export { clientEnv } from './client-env.js';
export { PINOT_TABLES, PINOT_LIFECYCLE_TABLES, readTableSchema, renderTableTemplate, type TableTemplateValues } from './components/pinot-tables.js';
export { findBinary, isExecutableFile } from './prerequisites.js';
export { readServicesState, writeServicesState, type ServiceState, type ServicesFile } from './services-state.js';
export { readVersions } from './versions.js';
export { registryProperties, SCHEMA_REGISTRY_TOPICS } from './components/schema-registry.js';
