// Loads the dashboard config, serves the built page and stops cleanly on SIGINT/SIGTERM.
import { createLogger, loadConfig, onShutdown, withRenamedListenVars, type Logger } from '@pizzashop/common';
import { createDashboardServer } from './app.js';
import { dashboardEnvSchema } from './config.js';
import type { WebAsset } from './static-assets.js';

/** Loads the config, serves the built page and stops cleanly on SIGINT/SIGTERM. */
export async function runDashboard(assets: WebAsset[], log: Logger = createLogger('dashboard')): Promise<void> {
  const config = loadConfig(dashboardEnvSchema, withRenamedListenVars(process.env, (m) => log.warn(m)), 'dashboard');
  log.level = config.LOG_LEVEL;
  const server = createDashboardServer(config, assets, log);
  onShutdown(log, () => server.stop());
  await server.start();
  log.info({ apiUrl: config.API_URL }, `dashboard ready: http://localhost:${config.DASHBOARD_HTTP_PORT} (API via /api -> ${config.API_URL})`);
}
