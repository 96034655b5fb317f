import { buildWebAssets, defaultPublicDir } from '../src/server/web-bundle.js';

/** `npm run build -w dashboards`: writes the bundled page to dashboards/dist/public (used by the image). */
const files = await buildWebAssets(defaultPublicDir);
for (const { file, bytes } of files) console.log(`${file.padEnd(40)} ${(bytes / 1024).toFixed(1)} KiB`);
