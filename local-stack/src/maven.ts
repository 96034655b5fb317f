// Resolves each component's jars from Maven Central into a classpath under the state dir, reused until
// its pom or the pinned versions change.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PizzashopError } from '@pizzashop/common';
import { repoRoot } from './config.js';
import type { Versions } from './versions.js';

/** The Maven projects under local-stack/maven, one per component (their Kafka client versions differ). */
export type MavenProject = 'kafka' | 'connect' | 'debezium' | 'pinot' | 'schema-registry';

/** Maven could not resolve a component (usually no access to Maven Central): running again may succeed. */
export class MavenError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'unavailable' });
  }
}

const pomOf = (project: MavenProject) => join(repoRoot, 'local-stack', 'maven', project, 'pom.xml');

function properties(versions: Versions): string[] {
  return [
    `-Dkafka.version=${versions.kafka}`,
    `-Dconnect.kafka.version=${versions.kafkaConnect}`,
    `-Ddebezium.version=${versions.debezium}`,
    `-Dpinot.version=${versions.pinot}`,
    `-Dapicurio.version=${versions.apicurioRegistry}`,
  ];
}

/**
 * What Maven does for a project: copy its runtime classpath, or (schema-registry) unpack a
 * distribution assembly as it is, for applications that ship their own layout (Quarkus).
 */
function goal(project: MavenProject, outDir: string): string[] {
  if (project === 'schema-registry') return ['dependency:unpack', `-DoutputDirectory=${outDir}`];
  return ['dependency:copy-dependencies', `-DoutputDirectory=${outDir}`, '-DincludeScope=runtime'];
}

function fingerprint(project: MavenProject, versions: Versions): string {
  return createHash('sha256').update(readFileSync(pomOf(project))).update(properties(versions).join(' ')).digest('hex');
}

/**
 * Copies the runtime classpath of one Maven project (or unpacks its assembly) into `outDir` (staged, then renamed into place,
 * so an interrupted run never leaves a half-filled classpath). Skipped (no Maven, works
 * offline) when `outDir` already holds the classpath for the same pom and versions. Shows download
 * progress on first run; a resolution failure is one error naming the project and the fix.
 */
export async function ensureClasspath(project: MavenProject, outDir: string, versions: Versions, mvn: string, progress: (line: string) => void): Promise<void> {
  const marker = join(outDir, '.classpath-complete');
  const want = fingerprint(project, versions);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return;

  const staging = `${outDir}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  progress(`[maven] resolving ${project} (first run downloads from Maven Central, later runs use ~/.m2)`);
  const args = ['-B', '-f', pomOf(project), ...properties(versions), ...goal(project, staging)];
  const child = spawn(mvn, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tailLines: string[] = [];
  let downloaded = 0;
  const onLine = (line: string) => {
    tailLines.push(line);
    if (tailLines.length > 30) tailLines.shift();
    if (line.includes('Downloaded from')) {
      downloaded += 1;
      if (downloaded % 25 === 0) progress(`[maven] ${project}: ${downloaded} files downloaded`);
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0) {
    await rm(staging, { recursive: true, force: true });
    const reason = tailLines.filter((l) => l.includes('ERROR')).slice(0, 3).join('\n') || tailLines.join('\n');
    throw new MavenError(
      `maven: resolving ${project} (${pomOf(project)}) failed with exit code ${code}:\n${reason}\n` +
        'Fix: check network access to Maven Central (or a mirror in ~/.m2/settings.xml), then run again.',
    );
  }
  writeFileSync(join(staging, '.classpath-complete'), want);
  await rm(outDir, { recursive: true, force: true });
  await rename(staging, outDir);
  progress(`[maven] ${project}: classpath ready${downloaded ? ` (${downloaded} files downloaded)` : ''}`);
}
