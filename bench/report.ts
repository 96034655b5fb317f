/**
 * Regenerates bench/results/latest.json, latest.md and the README's benchmark block from the run
 * files in bench/results/runs. `npm run bench` calls it after its runs; run it on its own
 * (`npx tsx bench/report.ts`) after adding or removing run files, e.g. after a merge.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@pizzashop/local-stack';
import { benches } from './benches.js';
import { renderLatestMarkdown } from './markdown.js';
import { renderReadmeBlock, replaceReadmeBlock } from './readme.js';
import { latestSections, readRunFiles, resultsDir } from './results.js';

export function writeReports(): string[] {
  const sections = latestSections(readRunFiles(), benches);
  const latestJson = {
    generatedFrom: 'bench/results/runs',
    sections: Object.fromEntries(sections.map((s) => [s.bench, { file: s.latest?.file ?? null, meta: s.latest?.run.meta ?? null, result: s.latest?.run.result ?? null, newerFailures: s.newerFailures.map((f) => f.file) }])),
  };
  const readmePath = join(repoRoot, 'README.md');
  const files = [join(resultsDir, 'latest.json'), join(resultsDir, 'latest.md'), readmePath];
  writeFileSync(files[0] as string, `${JSON.stringify(latestJson, null, 2)}\n`);
  writeFileSync(files[1] as string, renderLatestMarkdown(sections));
  writeFileSync(readmePath, replaceReadmeBlock(readFileSync(readmePath, 'utf8'), renderReadmeBlock(sections)));
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of writeReports()) console.error(`[bench] wrote ${file}`);
}
