import { createLogger } from '@pizzashop/common';
import { runDashboard } from './run.js';
import { buildWebAssets, defaultPublicDir } from './web-bundle.js';

/**
 * Entry point of `npm start` (run with tsx): bundles the page from dashboards/src/web with esbuild
 * (a fraction of a second, so the page always matches the sources), then serves it.
 */
const log = createLogger('dashboard');
const started = performance.now();
const files = await buildWebAssets(defaultPublicDir);
log.info({ files, ms: Math.round(performance.now() - started) }, 'page bundled');
await runDashboard(defaultPublicDir, log);
