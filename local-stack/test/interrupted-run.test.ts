// Tests that each leftover of a killed run (up lock, pid files, unrecorded processes, staging dirs,
// test services) is reported and cleared.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, processIdentity } from '@pizzashop/common';
import { recordService, repoRoot, stopLeftoverServices, TEST_RUN_ENV } from '@pizzashop/testkit';
import type { StackContext } from '../src/components/types.js';
import { loadStackConfig } from '../src/config.js';
import { layout } from '../src/layout.js';
import { finishInterruptedStops, removeHalfWrittenDirs, removeStalePidFiles, stopUnrecordedProcesses } from '../src/leftovers.js';
import { checkJavaVersion, PrerequisiteError } from '../src/prerequisites.js';
import { withUpLock } from '../src/up-lock.js';
import { readVersions } from '../src/versions.js';

/**
 * What a killed run leaves behind, made for real in a temp state dir (real processes, real files):
 * each is reported in one line and cleared. The full stack case (a launcher killed with SIGKILL in the
 * middle of `up`) is in lifecycle.int.test.ts.
 */
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function context(): StackContext & { lines: string[] } {
  const cfg = loadStackConfig({ STACK_STATE_DIR: mkdtempSync(join(tmpdir(), 'stack-leftovers-')) });
  const lines: string[] = [];
  // node stands in for java: the stray detection looks at the executable's name and the state dir in the arguments.
  const tools = { java: process.execPath, mvn: 'mvn', mariadbd: 'mariadbd', mariadbInstallDb: 'mariadb-install-db' };
  return { cfg, paths: layout(cfg), tools, versions: readVersions(), progress: (line) => lines.push(line), lines };
}

/** A long-running node process; `args` end up in its command line. */
function idle(args: string[] = [], detached = false): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore', detached });
  children.push(child);
  return child;
}

/** A pid that no longer runs: a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('up.lock left by an interrupted start', () => {
  const lockIn = (dir: string, holder: string) => writeFileSync(join(dir, 'up.lock'), holder);

  it('held by a pid that is gone, by a recycled pid (same pid, other start time), or empty: reported and taken over', async () => {
    for (const holder of [String(await deadPid()), `${process.pid} 1`, '']) {
      const dir = mkdtempSync(join(tmpdir(), 'up-lock-'));
      lockIn(dir, holder);
      const lines: string[] = [];
      const t0 = Date.now();
      expect(await withUpLock(dir, (l) => lines.push(l), async () => 'ran')).toBe('ran');
      expect(Date.now() - t0, holder).toBeLessThan(1000);
      expect(lines, holder).toEqual([expect.stringMatching(/up\.lock was held by pid \S+, which no longer runs \(an interrupted start\): taking it over$/)]);
      expect(existsSync(join(dir, 'up.lock'))).toBe(false);
    }
  });

  it('held by a process that runs: waits for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'up-lock-'));
    const holder = idle();
    await sleep(100);
    lockIn(dir, processIdentity(holder.pid!));
    const lines: string[] = [];
    setTimeout(() => holder.kill('SIGKILL'), 1500);
    const t0 = Date.now();
    await withUpLock(dir, (l) => lines.push(l), async () => undefined);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(lines[0]).toMatch(new RegExp(`another start \\(pid ${holder.pid}\\) is in progress .*; waiting for it`));
  });
});

describe('pid files, processes and dirs left by an interrupted run', () => {
  it('finishes a stop an interrupted run began (the process still shutting down is not adopted)', async () => {
    const ctx = context();
    // Takes a second to shut down after SIGTERM, like a JVM.
    const script = 'process.on("SIGTERM", () => setTimeout(() => process.exit(0), 1000)); setInterval(() => {}, 1000); console.log("ready")';
    const stopping = spawn(process.execPath, ['-e', script, `${ctx.paths.root}/conf/kafka.properties`], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(stopping);
    await new Promise((r) => stopping.stdout!.once('data', r));
    mkdirSync(join(ctx.paths.root, 'pids'), { recursive: true });
    writeFileSync(ctx.paths.pid('kafka'), String(stopping.pid));
    writeFileSync(ctx.paths.stopping('kafka'), String(stopping.pid));
    writeFileSync(ctx.paths.pid('mariadb'), String(await deadPid()));
    writeFileSync(ctx.paths.stopping('mariadb'), '');
    stopping.kill('SIGTERM');

    expect(await finishInterruptedStops(ctx)).toEqual(['kafka']);
    expect(ctx.lines).toEqual([`[stack] finishing the stops an interrupted run began: mariadb (already gone), kafka (pid ${stopping.pid})`]);
    expect(isAlive(stopping.pid!)).toBe(false);
    expect(readdirSync(join(ctx.paths.root, 'pids'))).toEqual([]);
  });

  it('removes pid files whose process is gone or is not this stack\'s, keeps the live ones, and signals nothing', async () => {
    const ctx = context();
    const ours = idle([`${ctx.paths.root}/conf/mariadb.cnf`]);
    const unrelated = idle();
    mkdirSync(join(ctx.paths.root, 'pids'), { recursive: true });
    writeFileSync(ctx.paths.pid('kafka'), String(await deadPid()));
    writeFileSync(ctx.paths.pid('zookeeper'), String(unrelated.pid));
    writeFileSync(ctx.paths.pid('mariadb'), String(ours.pid));
    await sleep(100);

    expect(removeStalePidFiles(ctx)).toEqual(['kafka', 'zookeeper']);
    expect(ctx.lines).toEqual(['[stack] removed stale pid files of kafka, zookeeper (process gone or not this stack\'s): left by an interrupted run']);
    expect(readdirSync(join(ctx.paths.root, 'pids'))).toEqual(['mariadb.pid']);
    expect([isAlive(ours.pid!), isAlive(unrelated.pid!)]).toEqual([true, true]);
  });

  it('stops the processes of this state dir that no pid file records, and only those', async () => {
    const ctx = context();
    const recorded = idle([`${ctx.paths.root}/lib/kafka/*`], true);
    const stray = idle([`${ctx.paths.root}/lib/pinot/*`], true);
    const elsewhere = idle([`${ctx.paths.root}-other/lib/pinot/*`], true);
    mkdirSync(join(ctx.paths.root, 'pids'), { recursive: true });
    writeFileSync(ctx.paths.pid('kafka'), String(recorded.pid));
    await sleep(100);

    expect(await stopUnrecordedProcesses(ctx)).toEqual([stray.pid]);
    expect(ctx.lines).toEqual([expect.stringMatching(new RegExp(`^\\[stack\\] stopping 1 process\\(es\\) of .* that no pid file records \\(pid ${stray.pid} node\\): left by an interrupted run$`))]);
    expect([isAlive(recorded.pid!), isAlive(stray.pid!), isAlive(elsewhere.pid!)]).toEqual([true, false, true]);
  });

  it('removes the staging dirs of an interrupted Maven copy or MariaDB install, keeps complete ones', async () => {
    const ctx = context();
    const dirs = ['lib/kafka', 'lib/pinot.staging-123', 'lib/connect-plugins/debezium.staging-9', 'data/mariadb/db.staging-77/mysql', 'data/mariadb/db/mysql'];
    for (const d of dirs) mkdirSync(join(ctx.paths.root, d), { recursive: true });

    expect(await removeHalfWrittenDirs(ctx)).toHaveLength(3);
    expect(ctx.lines).toEqual([
      '[stack] removing 3 half-written dir(s) left by an interrupted run: lib/pinot.staging-123, lib/connect-plugins/debezium.staging-9, data/mariadb/db.staging-77',
    ]);
    expect(dirs.map((d) => existsSync(join(ctx.paths.root, d)))).toEqual([true, false, false, false, true]);
  });

  it('stops the test services of a killed run, and the worker that started them, not those of a run that still runs', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'stack-services-'));
    const entry = join(stateDir, 'service.mjs');
    writeFileSync(entry, 'setInterval(() => {}, 1000);\n');
    // A test run: its main process, and a worker (its child in vitest; here started beside it) that starts a
    // service through the test kit. Killing the main process leaves worker and service running, as vitest does.
    const main = idle();
    await sleep(200);
    const starter = `const { startService } = await import(${JSON.stringify(join(repoRoot, 'testkit/src/services.ts'))});
      console.log(startService(${JSON.stringify(entry)}, {}).child.pid); setInterval(() => {}, 1000);`;
    const worker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', starter], {
      cwd: repoRoot,
      env: { ...process.env, STACK_STATE_DIR: stateDir, [TEST_RUN_ENV]: processIdentity(main.pid!) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(worker);
    const servicePid = Number(await new Promise<string>((resolve) => worker.stdout!.once('data', (d: Buffer) => resolve(d.toString()))));
    main.kill('SIGKILL');
    await new Promise((r) => main.once('exit', r));
    // A service of a run that still runs (this one).
    const live = idle();
    recordService(live.pid!, 'still-running-run.ts', { STACK_STATE_DIR: stateDir });
    await sleep(200);
    expect([isAlive(servicePid), isAlive(worker.pid!)], 'service and worker outlive the killed run').toEqual([true, true]);

    const lines: string[] = [];
    expect(await stopLeftoverServices(stateDir, (l) => lines.push(l))).toEqual([servicePid, worker.pid]);
    expect(lines).toEqual([`[test-stack] stopping 2 process(es) left running by an interrupted test run (pid ${servicePid} ${entry}, test worker pid ${worker.pid})`]);
    expect([isAlive(servicePid), isAlive(worker.pid!), isAlive(live.pid!)]).toEqual([false, false, true]);
    expect(readdirSync(join(stateDir, 'test-services'))).toEqual([`${live.pid}.json`]);
  }, 120_000);
});

describe('java version', () => {
  it('needs 17 or newer, checked without blocking', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-java-'));
    const fakeJava = (version: string) => {
      const path = join(dir, `java-${version}`);
      writeFileSync(path, `#!/bin/sh\necho 'openjdk version "${version}" 2024-01-16' >&2\n`, { mode: 0o755 });
      return path;
    };
    await expect(checkJavaVersion(fakeJava('17.0.9'))).resolves.toBeUndefined();
    await expect(checkJavaVersion(fakeJava('11.0.2'))).rejects.toThrow(new PrerequisiteError(`java: ${dir}/java-11.0.2 reports Java 11, 17+ needed. Fix: apt-get install -y openjdk-17-jdk-headless`));
  });
});
