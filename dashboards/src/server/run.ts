import { createLogger, loadConfig, onShutdown, type Logger } from '@pizzashop/common';
import { createDashboardServer } from './app.js';
import { dashboardEnvSchema } from './config.js';

/** Loads the config, serves the built page from `publicDir` and stops cleanly on SIGINT/SIGTERM. */
export async function runDashboard(publicDir: string, log: Logger = createLogger('dashboard')): Promise<void> {
  const config = loadConfig(dashboardEnvSchema, process.env, 'dashboard');
  log.level = config.LOG_LEVEL;
  const server = createDashboardServer(config, publicDir, log);
  onShutdown(log, () => server.stop());
  await server.start();
  log.info({ apiUrl: config.API_URL, publicDir }, `dashboard ready: http://localhost:${config.DASHBOARD_PORT} (API via /api -> ${config.API_URL})`);
}
