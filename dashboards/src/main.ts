// Entry point of the dashboard's container image: serves the prebuilt page from dist/public.
import { fileURLToPath } from 'node:url';
import { runDashboard } from './server/run.js';
import { readWebAssets } from './server/static-assets.js';

/**
 * Entry point of the container image, bundled into dist/main.js by docker/bundle-service.mjs: serves
 * the page that `npm run build -w dashboards` wrote to dist/public beside it. Local runs use
 * src/server/main.ts, which builds the page first.
 */
await runDashboard(await readWebAssets(fileURLToPath(new URL('./public/', import.meta.url))));
