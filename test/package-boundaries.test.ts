// Guard: no relative import leaves its package (see package-boundaries.ts); every tracked or new source
// file of the repository is scanned.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { repoRoot } from '@pizzashop/testkit';
import { boundaryViolations, describeViolation, type SourceFile } from './package-boundaries.js';
import { repoSourceFiles } from './source-files.js';

const WORKSPACES = ['common', 'testkit', 'local-stack', 'orders-service', 'enricher', 'delivery-service', 'pizzashop-api', 'alerts', 'dashboards'];

describe('package boundaries', () => {
  it('finds imports that leave their package, and only those', () => {
    // '^' stands for '../' so that this file does not itself hold the imports it describes.
    const files: SourceFile[] = [
      { path: 'bench/run.ts', text: "import { up } from '^local-stack/src/index.js';\nimport { x } from './ports.js';" },
      { path: 'enricher/bench/a.ts', text: "import {\n  y,\n} from '^^bench/latency.js';\nimport { z } from '^src/enricher.js';" },
      { path: 'dashboards/src/web/schemas.ts', text: "export { s } from '^^^pizzashop-api/src/schemas.js';" },
      { path: 'test/a.test.ts', text: "vi.mock('^drills/run.js');\nconst m = await import('^common/src/index.js');\nimport '@pizzashop/common';" },
    ].map((f) => ({ ...f, text: f.text.replaceAll('^', '../') }));
    const found = boundaryViolations(files, WORKSPACES).map((v) => `${v.file}:${v.line} ${v.from}->${v.into}`);
    expect(found).toEqual([
      'bench/run.ts:1 (root)->local-stack',
      'enricher/bench/a.ts:3 enricher->(root)',
      'dashboards/src/web/schemas.ts:1 dashboards->pizzashop-api',
      'test/a.test.ts:2 (root)->common',
    ]);
  });

  it('holds for every source file of the repository', async () => {
    const pkg = z.object({ workspaces: z.array(z.string()) }).parse(JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')));
    expect(pkg.workspaces.toSorted()).toEqual(WORKSPACES.toSorted());
    const files = await repoSourceFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(boundaryViolations(files, pkg.workspaces).map(describeViolation)).toEqual([]);
  });
});
