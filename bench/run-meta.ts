/** What a run file records about its run besides the result: machine, load, versions, other traffic. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKafkaClient, createLogger, topicOffsets } from '@pizzashop/common';
import { repoRoot } from '@pizzashop/local-stack';
import type { LoadAverage, RunMeta } from './results.js';

const exec = promisify(execFile);

export function loadAverage(): LoadAverage {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return [Number(one.toFixed(2)), Number(five.toFixed(2)), Number(fifteen.toFixed(2))];
}

export function machine(): RunMeta['machine'] {
  return { cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`, memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

async function gitState(): Promise<{ commit: string; dirty: boolean } | null> {
  try {
    const commit = (await exec('git', ['rev-parse', 'HEAD'], { cwd: repoRoot })).stdout.trim();
    const status = (await exec('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot })).stdout.trim();
    return { commit, dirty: status.length > 0 };
  } catch {
    return null;
  }
}

export async function versions(): Promise<RunMeta['versions']> {
  const file = JSON.parse(readFileSync(join(repoRoot, 'versions.json'), 'utf8')) as Record<string, string>;
  const components = Object.fromEntries(Object.entries(file).filter(([k]) => !k.startsWith('$')));
  return { node: process.version, git: await gitState(), components };
}

/** Sum of the end offsets of `topic`: how many messages it ever held. */
export async function topicEnd(brokers: string[], topic: string): Promise<number> {
  const kafka = createKafkaClient({ brokers, clientId: 'bench-run-meta', log: createLogger('bench', 'warn') });
  return (await topicOffsets(kafka, topic)).reduce((n, p) => n + Number(p.high), 0);
}
