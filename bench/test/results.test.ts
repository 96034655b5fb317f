// Unit tests of bench run files, latest.md and the README results block generated from them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@pizzashop/local-stack';
import { benches } from '../benches.js';
import { renderLatestMarkdown } from '../markdown.js';
import { readmeRows, renderReadmeBlock, replaceReadmeBlock, README_BEGIN, README_END } from '../readme.js';
import { latestSections, readRunFiles, runFileName, type RunFile, type StoredRun } from '../results.js';

function run(bench: string, startedAt: string | null, result: RunFile['result'], extra: Partial<RunFile['meta']> = {}): StoredRun {
  return {
    file: `bench/results/runs/${startedAt ? runFileName(bench, startedAt) : `legacy-${bench}.json`}`,
    run: {
      meta: {
        bench,
        what: `${bench} bench`,
        startedAt,
        endedAt: startedAt,
        loadAverage: { before: [3.5, 3, 2], after: [9.25, 4, 2] },
        machine: { cpus: '2 x AMD EPYC', memoryGiB: 24 },
        versions: { node: 'v20', git: { commit: '0123456789abcdef', dirty: false }, components: { pinot: '0.11.0' } },
        devOrdersTraffic: { topic: 'orders', messages: 3000, perSecond: 10 },
        exitCode: result ? 0 : 1,
        ...extra,
      },
      result,
      ...(result ? {} : { error: 'bench/freshness.ts exited with code 1' }),
    },
  };
}

const fresh = (value: number | null) => ({
  figures: [{ name: 'p95', value, unit: 'ms', target: 'p95 < 2000 ms', ...(value === null ? { reason: '3 of 100 orders never arrived' } : {}) }],
});

describe('bench run files', () => {
  it('names a run file after its start time and bench', () => {
    expect(runFileName('freshness', '2026-12-01T12:30:05.123Z')).toBe('2026-12-01T12-30-05Z-freshness.json');
  });

  it('shows the newest successful run of each bench and the failures after it', () => {
    const sections = latestSections(
      [
        run('freshness', '2026-12-01T10:00:00.000Z', fresh(900)),
        run('freshness', '2026-12-01T12:00:00.000Z', fresh(800)),
        run('freshness', '2026-12-01T13:00:00.000Z', null),
        run('freshness', '2026-12-01T09:00:00.000Z', null),
        run('api', null, fresh(1), { legacy: 'undated run carried over' }),
      ],
      [
        { name: 'pipeline', what: 'p' },
        { name: 'api', what: 'a' },
        { name: 'freshness', what: 'f' },
      ],
    );
    expect(sections.map((s) => [s.bench, s.latest?.run.meta.startedAt ?? null, s.newerFailures.length])).toEqual([
      ['pipeline', null, 0],
      ['api', null, 0],
      ['freshness', '2026-12-01T12:00:00.000Z', 1],
    ]);
    const md = renderLatestMarkdown(sections);
    expect(md).toContain('From the run of 2026-12-01T12:00:00.000Z to 2026-12-01T12:00:00.000Z, load average (1 min) 3.50 before and 9.25 after');
    expect(md).toContain('another producer added 3,000 orders (10/s)');
    expect(md).toContain('**A newer run failed:** bench/freshness.ts exited with code 1');
    expect(md).toContain('From the undated run carried over (`bench/results/runs/legacy-api.json`)');
    expect(md).toContain('No successful run recorded yet.');
  });

  it('writes "not measured" with the reason, never a number, for a figure that was not measured', () => {
    const [section] = latestSections([run('freshness', '2026-12-01T12:00:00.000Z', fresh(null))], [{ name: 'freshness', what: 'f' }]);
    expect(renderLatestMarkdown([section!])).toContain('| p95 | not measured: 3 of 100 orders never arrived | ms | p95 < 2000 ms |');
    expect(renderReadmeBlock([section!])).toContain('| p95 | not measured: 3 of 100 orders never arrived | p95 < 2000 ms | [freshness: 2026-12-01 12:00 UTC, load 3.5 -> 9.3](bench/results/runs/2026-12-01T12-00-00Z-freshness.json) |');
  });

  it('takes README rows from the result, else from figures with a target, else from the load tests at the most connections', () => {
    expect(readmeRows({ readme: [{ what: 'w', measured: 'm' }], figures: fresh(1).figures })).toEqual([{ what: 'w', measured: 'm' }]);
    expect(readmeRows({ figures: [...fresh(1200).figures, { name: 'no target', value: 1, unit: 'x' }] })).toEqual([{ what: 'p95', measured: '1,200 ms', target: 'p95 < 2000 ms' }]);
    const runs = [50, 200].map((connections) => ({ path: '/orders/overview', cacheTtlMs: 1000, connections, requestsPerSecond: 2795, latencyMs: { p50: 50, p99: 357 } }));
    expect(readmeRows({ runs })).toEqual([{ what: 'API /orders/overview, cache TTL 1000 ms, 200 connections', measured: '2,795 req/s, p50 50 ms, p99 357 ms' }]);
  });

  it('replaces only the marked README block and names the markers when they are missing', () => {
    const text = `# x\n\n${README_BEGIN}\nold\n${README_END}\n\nafter\n`;
    expect(replaceReadmeBlock(text, `${README_BEGIN}\nnew\n${README_END}`)).toBe(`# x\n\n${README_BEGIN}\nnew\n${README_END}\n\nafter\n`);
    expect(() => replaceReadmeBlock('# x\n', 'block')).toThrow(/bench-figures:begin/);
  });

  it('the committed README block and latest.md are what the committed run files generate (regenerate: npx tsx bench/report.ts)', () => {
    const sections = latestSections(readRunFiles(), benches);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(replaceReadmeBlock(readme, renderReadmeBlock(sections))).toBe(readme);
    expect(readFileSync(join(repoRoot, 'bench', 'results', 'latest.md'), 'utf8')).toBe(renderLatestMarkdown(sections));
  });
});
