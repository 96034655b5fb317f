// Guard: every source file opens with a comment saying what it is for (after a shebang, if any).
import { describe, expect, it } from 'vitest';
import { opensWithComment, repoSourceFiles } from './source-files.js';

describe('source file openings', () => {
  it('tells a file that opens with a comment from one that opens with code', () => {
    expect(opensWithComment('// The products cache.\nexport const x = 1;\n')).toBe(true);
    expect(opensWithComment('/** The products cache. */\nexport const x = 1;\n')).toBe(true);
    expect(opensWithComment('#!/usr/bin/env node\n// Bundles a service.\n')).toBe(true);
    expect(opensWithComment("import { x } from './x.js';\n// late comment\n")).toBe(false);
    expect(opensWithComment('#!/usr/bin/env node\nimport x from "x";\n')).toBe(false);
    expect(opensWithComment('\n// after a blank line\n')).toBe(false);
  });

  it('holds for every source file of the repository', async () => {
    const files = await repoSourceFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => !opensWithComment(f.text)).map((f) => f.path)).toEqual([]);
  });
});
