// V8 CPU profiles of the benches' profiling scripts, summarised: self time by package and the top functions.

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
}

/** Which package a script URL belongs to: `node_modules/<pkg>`, node internals, `repo:<folder>` (one of `repoFolders`) or the URL. */
function owner(url: string, repoFolders: RegExp): string {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const repo = repoFolders.exec(url);
  return repo ? `repo:${repo[1]}` : url;
}

/** Self time share (percent of samples) by package (top 20) and by function (top 30); `repoFolders` are the repo's own source folders to name. */
export function summariseCpuProfile(profile: CpuProfile, repoFolders: string[]) {
  const folders = new RegExp(`/(${repoFolders.join('|')})/src/`);
  const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0) || 1;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = owner(url, folders);
    byOwner.set(pkg, (byOwner.get(pkg) ?? 0) + hits);
    const fn = `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const share = (m: Map<string, number>, top: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, hits]) => ({ name, selfPercent: Math.round((hits / total) * 1000) / 10 }));
  return { samples: total, durationMs: Math.round((profile.endTime - profile.startTime) / 1000), byPackage: share(byOwner, 20), topFunctions: share(byFunction, 30) };
}
