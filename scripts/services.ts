import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../local-stack/src/config.js';

export interface ServiceSpec {
  name: string;
  entry: string;
  url?: string;
}

/** The TypeScript services `npm start` runs after the stack, in this order. */
export const services: ServiceSpec[] = [
  { name: 'orders-service', entry: 'orders-service/src/main.ts', url: 'http://localhost:8081' },
  { name: 'enricher', entry: 'enricher/src/main.ts', url: 'http://localhost:8082/metrics' },
  { name: 'pizzashop-api', entry: 'pizzashop-api/src/main.ts', url: 'http://localhost:8080/docs' },
  { name: 'dashboard', entry: 'dashboards/src/server/main.ts', url: 'http://localhost:8501' },
];

export const available = (spec: ServiceSpec) => existsSync(join(repoRoot, spec.entry));

const levelNames: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One pino JSON line as `name | level message`; other lines unchanged. */
export function compactLine(name: string, line: string): string {
  try {
    const rec = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    const level = levelNames[rec.level ?? 30] ?? String(rec.level);
    const detail = rec.err?.message ? ` (${rec.err.message})` : '';
    return `${name.padEnd(14)} | ${level.padEnd(5)} ${rec.msg ?? ''}${detail}`;
  } catch {
    return `${name.padEnd(14)} | ${line}`;
  }
}

/**
 * Runs one service with tsx as a child process: its full log goes to `logFile`, a compact stream
 * (info and above) to the console.
 */
export function runService(spec: ServiceSpec, env: Record<string, string>, logFile: string): ChildProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, spec.entry)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C in the terminal reaches only `npm start`, which then stops each
    // service once with SIGTERM (a second signal would make a service skip its graceful flush).
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      log.write(`${line}\n`);
      const rec = compactLine(spec.name, line);
      if (!/\| (trace|debug)/.test(rec)) console.log(rec);
    });
  }
  child.on('exit', (code, signal) => {
    log.end();
    if (code !== 0 && signal === null) console.error(`${spec.name.padEnd(14)} | exited with code ${code}; full log: ${logFile}`);
  });
  return child;
}
