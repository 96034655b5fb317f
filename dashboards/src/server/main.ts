// Entry point of the dashboard's `npm start`: bundles the page in memory with esbuild, then serves it.
import { createLogger } from '@pizzashop/common';
import { runDashboard } from './run.js';
import { bundleWebAssets } from './web-bundle.js';

/**
 * Entry point of `npm start` (run with tsx): bundles the page from dashboards/src/web with esbuild
 * in memory (a fraction of a second, so the page always matches the sources), then serves it.
 */
const log = createLogger('dashboard');
const started = performance.now();
const assets = await bundleWebAssets();
log.info({ files: assets.map((a) => `${a.name} ${a.contents.length} B`), ms: Math.round(performance.now() - started) }, 'page bundled');
await runDashboard(assets, log);
