// Runs last: takes the test stack down and brings it up again after a launcher killed mid-`up`,
// checking every leftover is cleared.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { isAlive } from '@pizzashop/common';
import { repoRoot } from '@pizzashop/testkit';
import { stackComponents, createContext, down, loadStackConfig, up } from '../src/index.js';
import { isPortFree } from '../src/net.js';
import { processesUnder, runningPid } from '../src/processes.js';

/**
 * Runs LAST (see test/last-file-sequencer.ts): takes the test stack down with --reset, checks that no
 * process and no port is left; then starts it from scratch with a launcher that is killed with
 * SIGKILL in the middle of `up`, adds what else an interrupted run leaves, and checks that the next
 * `up` reports each leftover in one line, clears it and comes up healthy.
 */
const ctx = createContext(loadStackConfig(process.env), () => undefined);
const launched = stackComponents(ctx.cfg).filter((c) => c.kind === 'process').map((c) => c.name);

/** A pid that no longer runs: a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('stack lifecycle', () => {
  it('stack:down stops every process and frees every port', async () => {
    const before = await up(ctx);
    const pids = before.components.flatMap((c) => (c.pid === null ? [] : [c.pid]));
    const ports = stackComponents(ctx.cfg).flatMap((c) => (c.kind === 'process' ? (c.ports?.(ctx.cfg) ?? []) : []));
    expect(pids.length).toBe(8);

    await down(ctx, true);
    expect(pids.filter(isAlive)).toEqual([]);
    const busy = [];
    for (const port of ports) if (!(await isPortFree(port))) busy.push(port);
    expect(busy).toEqual([]);
    expect(existsSync(ctx.paths.root), 'state dir wiped').toBe(false);
  });

  it('after a launcher killed with SIGKILL in the middle of up (plus a stale lock, stale pid files, half-written dirs), the next up reports and clears each and comes back clean', async () => {
    // 1. A real interrupted start: the launcher (its own process group, like a CI job) is killed, with
    //    whatever it runs in the foreground (mariadb-install-db, Kafka's storage format), once those
    //    are under way and ZooKeeper (a detached JVM, which survives) is started.
    const launcher = spawn(process.execPath, ['--import', 'tsx', 'local-stack/src/cli.ts', 'up'], {
      cwd: repoRoot,
      env: { ...process.env, STACK_PROFILE: 'test' },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const wanted = [/\[mariadb\] creating a new datadir/, /\[kafka\] formatting KRaft storage/, /\[stack\] zookeeper: started/];
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      launcher.once('exit', (code) => reject(new Error(`launcher exited (${code}) before the point to kill it:\n${seen.join('\n')}`)));
      createInterface({ input: launcher.stderr! }).on('line', (line) => {
        seen.push(line);
        if (wanted.every((w) => seen.some((l) => w.test(l)))) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-launcher.pid!, 'SIGKILL');
    await new Promise((r) => (launcher.exitCode === null && launcher.signalCode === null ? launcher.once('exit', r) : r(null)));
    const zookeeperPid = runningPid(ctx.paths.pid('zookeeper'), ctx.paths.root)!;
    expect(zookeeperPid, 'ZooKeeper outlived the launcher').toBeGreaterThan(0);
    expect(readFileSync(join(ctx.paths.root, 'up.lock'), 'utf8')).toMatch(new RegExp(`^${launcher.pid} \\d+$`));
    expect(existsSync(`${join(ctx.paths.data('mariadb'), 'db')}.staging-${launcher.pid}`), 'an interrupted MariaDB install').toBe(true);

    // 2. What else a killed run leaves: a JVM no pid file records, pid files of a gone process and of a
    //    recycled pid (now an unrelated process, which must not be signalled), a half-copied classpath,
    //    and Kafka storage without its meta.properties (the storage tool writes it last).
    rmSync(ctx.paths.pid('zookeeper'));
    const unrelated = spawn('sleep', ['600'], { stdio: 'ignore' });
    writeFileSync(ctx.paths.pid('pinot-broker'), String(await deadPid()));
    writeFileSync(ctx.paths.pid('pinot-server'), String(unrelated.pid));
    const halfCopied = join(ctx.paths.root, 'lib', `pinot.staging-${launcher.pid}`);
    mkdirSync(halfCopied, { recursive: true });
    writeFileSync(join(halfCopied, 'pinot-core-0.11.0.jar'), 'partial');
    mkdirSync(ctx.paths.data('kafka'), { recursive: true });
    rmSync(join(ctx.paths.data('kafka'), 'meta.properties'), { force: true });
    writeFileSync(join(ctx.paths.data('kafka'), 'bootstrap.checkpoint'), 'partial');

    // 3. The next up.
    const lines: string[] = [];
    const t0 = Date.now();
    const after = await up({ ...ctx, progress: (line) => lines.push(line) });
    console.error(`[lifecycle] up after an interrupted start, from a wiped state dir: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    try {
      const report = lines.filter((l) => /interrupted|half-formatted|no longer runs/.test(l));
      console.error(`[lifecycle] leftovers reported:\n  ${report.join('\n  ')}`);
      expect(report).toEqual([
        `[stack] ${join(ctx.paths.root, 'up.lock')} was held by pid ${launcher.pid}, which no longer runs (an interrupted start): taking it over`,
        '[stack] removed stale pid files of pinot-broker, pinot-server (process gone or not this stack\'s): left by an interrupted run',
        `[stack] stopping 1 process(es) of ${ctx.paths.root} that no pid file records (pid ${zookeeperPid} java PinotAdministrator StartZookeeper): left by an interrupted run`,
        `[stack] removing 2 half-written dir(s) left by an interrupted run: lib/pinot.staging-${launcher.pid}, data/mariadb/db.staging-${launcher.pid}`,
        `[kafka] ${ctx.paths.data('kafka')} holds a half-formatted storage (no meta.properties: a format was interrupted); removing it`,
      ]);
      expect(after.components.filter((c) => !c.healthy)).toEqual([]);
      expect(after.started.sort()).toEqual([...launched].sort());
      expect(isAlive(unrelated.pid!), 'the process behind a recycled pid is left alone').toBe(true);
      const recorded = launched.map((name) => runningPid(ctx.paths.pid(name), ctx.paths.root));
      const running = processesUnder(ctx.paths.root, [basename(ctx.tools.java), basename(ctx.tools.mariadbd)]).map((p) => p.pid);
      expect(running.sort(), 'every JVM and MariaDB of the state dir is a recorded one').toEqual([...recorded].sort());
      expect([existsSync(join(ctx.paths.root, 'up.lock')), existsSync(halfCopied)]).toEqual([false, false]);
    } finally {
      unrelated.kill('SIGKILL');
    }
  }, 15 * 60_000);
});
