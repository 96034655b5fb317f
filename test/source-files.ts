// The repository's source files (tracked, or new and not ignored) with their text, for the guards that scan them all,
// and the openings guard's rule.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@pizzashop/testkit';
import type { SourceFile } from './package-boundaries.js';

/** Every .ts/.mts/.tsx/.js/.mjs file git tracks or would add, outside node_modules and dist. */
export async function repoSourceFiles(): Promise<SourceFile[]> {
  const { stdout } = await promisify(execFile)(
    'git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts', '*.mts', '*.tsx', '*.js', '*.mjs'],
    { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
  );
  const paths = stdout.split('\n').filter((p) => p !== '' && !p.includes('node_modules/') && !p.includes('/dist/'));
  return Promise.all(paths.map(async (path) => ({ path, text: await readFile(join(repoRoot, path), 'utf8').catch(() => '') })));
}

/** Whether `text` opens, after an optional `#!` line, with a `//` or `/*` comment. */
export function opensWithComment(text: string): boolean {
  const body = text.startsWith('#!') ? text.slice(text.indexOf('\n') + 1) : text;
  return /^(\/\/|\/\*)/.test(body);
}
