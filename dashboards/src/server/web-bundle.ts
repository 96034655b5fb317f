// Bundles dashboards/src/web with esbuild into the page's assets, in memory or to dist/public.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { WebAsset } from './static-assets.js';

/** dashboards/src/web: the page's sources. */
export const webSourceDir = fileURLToPath(new URL('../web/', import.meta.url));
/** dashboards/dist/public: where `npm run build -w dashboards` writes the page (the image serves it). */
export const defaultPublicDir = fileURLToPath(new URL('../../dist/public/', import.meta.url));

/**
 * zod's namespace object re-exports every error-message locale (about 250 KiB minified) and so
 * defeats tree shaking; the page only needs English, which zod imports on its own. The locale index
 * is replaced by an empty module.
 */
const dropZodLocales: Plugin = {
  name: 'drop-zod-locales',
  setup(b) {
    b.onResolve({ filter: /[/\\]locales[/\\]index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`) ? { path: 'zod-locales', namespace: 'empty-module' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'empty-module' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Bundles the page with esbuild, in memory: index.html, app.js (TypeScript, zod schemas and uPlot
 * in one minified ES module, category placeholders inlined as data URLs), app.css (uPlot's
 * stylesheet with ours) and their source maps. Everything is local: the page loads nothing from
 * elsewhere. Nothing is written, so several servers can build at once.
 */
export async function bundleWebAssets(): Promise<WebAsset[]> {
  const result = await build({
    entryPoints: [
      { in: join(webSourceDir, 'main.ts'), out: 'app' },
      { in: join(webSourceDir, 'styles.css'), out: 'app' },
      { in: join(webSourceDir, 'track', 'main.ts'), out: 'track' },
      { in: join(webSourceDir, 'track', 'track.css'), out: 'track' },
    ],
    outdir: defaultPublicDir,
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox111', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    loader: { '.svg': 'dataurl' },
    logLevel: 'silent',
    plugins: [dropZodLocales],
  });
  const html = await readFile(join(webSourceDir, 'index.html'));
  const trackHtml = await readFile(join(webSourceDir, 'track', 'track.html'));
  return [{ name: 'index.html', contents: html }, { name: 'track.html', contents: trackHtml }, ...result.outputFiles.map((f) => ({ name: basename(f.path), contents: f.contents }))];
}

/** Writes the bundled page to `outDir` (replacing what was there): the build step of the image. */
export async function writeWebAssets(outDir: string, assets: WebAsset[]): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await Promise.all(assets.map((a) => writeFile(join(outDir, a.name), a.contents)));
}
