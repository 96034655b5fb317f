// Finds relative imports that leave their package: a workspace is used through its package name and
// its package.json exports (@pizzashop/...), never by a path into its folders. The root package
// (bench/, drills/, scripts/, test/ and the root configs) is a package like the others.
import { dirname, join, normalize } from 'node:path';

export interface SourceFile {
  /** Path from the repository root, with forward slashes. */
  path: string;
  text: string;
}

export interface BoundaryViolation {
  file: string;
  line: number;
  specifier: string;
  from: string;
  into: string;
}

/** Import and export specifiers, dynamic imports, side-effect imports, vi.mock and require. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bvi\.mock\(\s*|\brequire\(\s*)(['"])(\.{1,2}\/[^'"]*)\1/g;

/** The workspace folder holding `path`, or '' for the root package. */
export function packageOf(path: string, workspaces: readonly string[]): string {
  return workspaces.find((ws) => path === ws || path.startsWith(`${ws}/`)) ?? '';
}

export function boundaryViolations(files: readonly SourceFile[], workspaces: readonly string[]): BoundaryViolation[] {
  const found: BoundaryViolation[] = [];
  for (const file of files) {
    const from = packageOf(file.path, workspaces);
    for (const m of file.text.matchAll(SPECIFIER)) {
      const specifier = m[2]!;
      const target = normalize(join(dirname(file.path), specifier)).replaceAll('\\', '/');
      const into = target.startsWith('../') ? '(outside the repository)' : packageOf(target, workspaces);
      if (into === from) continue;
      const line = file.text.slice(0, m.index).split('\n').length;
      found.push({ file: file.path, line, specifier, from: from || '(root)', into: into || '(root)' });
    }
  }
  return found;
}

export function describeViolation(v: BoundaryViolation): string {
  const fix = v.into === '(root)'
    ? 'the root package (bench/, drills/, scripts/, test/) is not a library: move what is shared into testkit/ (@pizzashop/testkit)'
    : `import it by package name (@pizzashop/..., see ${v.into}/package.json "exports"; add an entry or re-export it from the index)`;
  return `${v.file}:${v.line} imports '${v.specifier}', leaving ${v.from} for ${v.into}: ${fix}`;
}
