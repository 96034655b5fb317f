// Build step of the service images: bundles one workspace's entry point (<workspace>/src/main.ts)
// with everything it imports, @pizzashop/common and npm packages included, into a single ESM file
// <workspace>/dist/main.js (or OUTFILE). The runtime image then needs no node_modules at all.
// Usage: node docker/bundle-service.mjs <workspace> [OUTFILE]
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = process.argv[2];
if (!workspace) {
  console.error('bundle-service: usage: node docker/bundle-service.mjs <workspace> [OUTFILE]');
  process.exit(2);
}
const entry = join(root, workspace, 'src', 'main.ts');
if (!existsSync(entry)) {
  console.error(`bundle-service: ${entry} does not exist: a service image bundles <workspace>/src/main.ts`);
  process.exit(1);
}

const outfile = process.argv[3] ?? join(root, workspace, 'dist', 'main.js');
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${process.versions.node.split('.')[0]}`,
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS packages inside an ESM bundle still call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
console.log(`bundle-service: ${outfile} written`);
