// `npm run build -w dashboards`: bundles the page into dashboards/dist/public for the image.
import { bundleWebAssets, defaultPublicDir, writeWebAssets } from '../src/server/web-bundle.js';

/** `npm run build -w dashboards`: writes the bundled page to dashboards/dist/public (used by the image). */
const assets = await bundleWebAssets();
await writeWebAssets(defaultPublicDir, assets);
for (const { name, contents } of assets) console.log(`${name.padEnd(16)} ${(contents.length / 1024).toFixed(1)} KiB`);
console.log(`written to ${defaultPublicDir}`);
