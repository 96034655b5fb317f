import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

/** dashboards/src/web: the page's sources. */
export const webSourceDir = fileURLToPath(new URL('../web/', import.meta.url));
/** dashboards/dist/public: where the built page goes (the image serves dist/public next to dist/main.js). */
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

/** Text assets are also written brotli- and gzip-compressed, served as such to browsers that accept them. */
const COMPRESSED = /\.(js|css|html)$/;

export interface BuiltFile {
  file: string;
  bytes: number;
}

/**
 * Bundles the page with esbuild into `outDir`: index.html, app.js (TypeScript, zod schemas and
 * uPlot in one minified ES module, category placeholders inlined as data URLs) and app.css
 * (uPlot's stylesheet with ours). Everything is local: the page loads nothing from elsewhere.
 */
export async function buildWebAssets(outDir: string = defaultPublicDir): Promise<BuiltFile[]> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [
      { in: join(webSourceDir, 'main.ts'), out: 'app' },
      { in: join(webSourceDir, 'styles.css'), out: 'app' },
    ],
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox111', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    loader: { '.svg': 'dataurl' },
    metafile: true,
    logLevel: 'silent',
    plugins: [dropZodLocales],
  });
  await copyFile(join(webSourceDir, 'index.html'), join(outDir, 'index.html'));
  const files = [...Object.keys(result.metafile.outputs), join(outDir, 'index.html')].filter((file) => COMPRESSED.test(file));
  return Promise.all(
    files.map(async (file) => {
      const content = await readFile(file);
      await writeFile(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
      await writeFile(`${file}.gz`, gzipSync(content, { level: 9 }));
      return { file: basename(file), bytes: content.length };
    }),
  );
}
