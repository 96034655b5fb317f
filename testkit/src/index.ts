// The test support kit's public surface: what tests, benches, drills and scripts import as @pizzashop/testkit.
export { mysqlAdmin, serviceEnvOf, stackEnv, testPort } from './env.js';
export { readTopic, testKafka, testLog, uniqueTopic, type ReadRecord } from './kafka.js';
export { recordService, stopLeftoverServices, TEST_RUN_ENV } from './service-records.js';
export { eventually, ManagedService, repoRoot, startService, waitFor, waitForHttpOk, type ServiceProcess } from './services.js';
