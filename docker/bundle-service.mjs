// Build step of the service images, and of `npm start`: bundles a workspace's entry point
// (<workspace>/src/main.ts) with everything it imports, @pizzashop/common and npm packages included,
// into a single ESM file. The runtime image then needs no node_modules at all.
// Usage: node docker/bundle-service.mjs <workspace> [OUTFILE]           -> <workspace>/dist/main.js (or OUTFILE)
//        node docker/bundle-service.mjs --outdir DIR <workspace>...     -> DIR/<workspace>/main.mjs, one build for all
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const outdir = argv[0] === '--outdir' ? argv[1] : undefined;
const workspaces = outdir ? argv.slice(2) : argv.slice(0, 1);
if (workspaces.length === 0 || (outdir === undefined && argv[0]?.startsWith('--'))) {
  console.error('bundle-service: usage: node docker/bundle-service.mjs <workspace> [OUTFILE] | --outdir DIR <workspace>...');
  process.exit(2);
}
const entries = workspaces.map((workspace) => {
  const entry = join(root, workspace, 'src', 'main.ts');
  if (!existsSync(entry)) {
    console.error(`bundle-service: ${entry} does not exist: a service bundle is built from <workspace>/src/main.ts`);
    process.exit(1);
  }
  return entry;
});

const options = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${process.versions.node.split('.')[0]}`,
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS packages inside an ESM bundle still call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};
if (outdir) {
  await build({
    ...options,
    entryPoints: Object.fromEntries(workspaces.map((workspace, i) => [`${workspace}/main`, entries[i]])),
    outdir,
    outExtension: { '.js': '.mjs' },
  });
  console.log(`bundle-service: ${workspaces.join(', ')} written to ${outdir}`);
} else {
  const outfile = argv[1] ?? join(root, workspaces[0], 'dist', 'main.js');
  await build({ ...options, entryPoints: [entries[0]], outfile });
  console.log(`bundle-service: ${outfile} written`);
}
