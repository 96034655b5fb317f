// Serves the built page from memory: content types, ETags and brotli/gzip bodies, `/` and `/track/*` mapped to their pages.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

/** One file of the built page. */
export interface WebAsset {
  name: string;
  contents: Uint8Array;
}

interface PreparedAsset {
  body: Uint8Array;
  type: string;
  etag: string;
  compressed?: { br: Uint8Array; gzip: Uint8Array };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg']);

/** Reads a built page from disk (the image's dist/public), failing with how to build it. */
export async function readWebAssets(dir: string): Promise<WebAsset[]> {
  const names = await readdir(dir).catch(() => {
    throw new Error(`dashboard: no built page in ${dir}: run "npm run build -w dashboards", or start dashboards/src/server/main.ts, which builds it`);
  });
  return Promise.all(names.map(async (name) => ({ name, contents: await readFile(join(dir, name)) })));
}

/** Content type, ETag and brotli/gzip versions of each file, computed once at start. */
function prepare(assets: WebAsset[]): Map<string, PreparedAsset> {
  return new Map(
    assets.map(({ name, contents }) => {
      const ext = extname(name);
      const prepared: PreparedAsset = {
        body: contents,
        type: TYPES[ext] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(contents).digest('base64url').slice(0, 22)}"`,
        ...(COMPRESSIBLE.has(ext)
          ? { compressed: { br: brotliCompressSync(contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }), gzip: gzipSync(contents, { level: 9 }) } }
          : {}),
      };
      return [`/${name}`, prepared];
    }),
  );
}

/** The file a path is answered with: `/` is the operator page, `/track/<anything>` the tracking page (it reads the id from its URL). */
function pageFor(path: string): string {
  if (path === '/') return '/index.html';
  if (/^\/track\/[^/]*$/.test(path)) return '/track.html';
  return path;
}

/**
 * Serves the page from memory: `/` is index.html; brotli or gzip when the browser accepts it;
 * revalidated by ETag on every load (`no-cache`), so a new build shows at the next reload.
 */
export function serveWebAssets(assets: WebAsset[]): MiddlewareHandler {
  if (!assets.some((a) => a.name === 'index.html')) {
    throw new Error('dashboard: the built page has no index.html: run "npm run build -w dashboards" again');
  }
  const files = prepare(assets);
  return async (c, next) => {
    const file = files.get(pageFor(c.req.path));
    if (!file) return next();
    c.header('Cache-Control', 'no-cache');
    c.header('ETag', file.etag);
    c.header('Vary', 'Accept-Encoding');
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304);
    c.header('Content-Type', file.type);
    const accepted = c.req.header('accept-encoding') ?? '';
    const encoding = file.compressed && (/\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined);
    if (encoding && file.compressed) {
      c.header('Content-Encoding', encoding);
      return c.body(file.compressed[encoding] as Uint8Array<ArrayBuffer>);
    }
    return c.body(file.body as Uint8Array<ArrayBuffer>);
  };
}
