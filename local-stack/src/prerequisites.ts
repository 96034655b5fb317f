import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.js';

export class PrerequisiteError extends Error {}

function onPath(binary: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Finds an executable on PATH or in the usual sbin dirs (mariadbd lives in /usr/sbin). */
export function findBinary(binary: string): string | undefined {
  return onPath(binary) ?? ['/usr/sbin', '/usr/local/sbin', '/sbin'].map((d) => join(d, binary)).find((p) => existsSync(p));
}

type Lookup = (binary: string) => string | undefined;

function require(lookup: Lookup, binary: string, component: string, aptPackage: string): string {
  const found = lookup(binary);
  if (!found) throw new PrerequisiteError(`${component}: '${binary}' not found. Fix: apt-get install -y ${aptPackage}`);
  return found;
}

export interface Toolchain {
  java: string;
  mvn: string;
  mariadbd: string;
  mariadbInstallDb: string;
}

/** Checks java (17+), mvn and the MariaDB server binaries; each missing one is a one-line error with its apt package. */
export function checkPrerequisites(cfg: StackConfig, lookup: Lookup = findBinary): Toolchain {
  const java = cfg.STACK_JAVA_HOME ? join(cfg.STACK_JAVA_HOME, 'bin', 'java') : require(lookup, 'java', 'java', 'openjdk-17-jdk-headless');
  if (!existsSync(java)) throw new PrerequisiteError(`java: ${java} not found (STACK_JAVA_HOME=${cfg.STACK_JAVA_HOME}). Fix: point STACK_JAVA_HOME at a JDK 17+`);
  const versionText = spawnSync(java, ['-version'], { encoding: 'utf8' }).stderr ?? '';
  const major = Number(/version "(\d+)/.exec(versionText)?.[1]);
  if (!(major >= 17)) throw new PrerequisiteError(`java: ${java} reports "${versionText.split('\n')[0]}", 17+ needed. Fix: apt-get install -y openjdk-17-jdk-headless`);
  return {
    java,
    mvn: require(lookup, 'mvn', 'maven', 'maven'),
    mariadbd: require(lookup, 'mariadbd', 'mariadb', 'mariadb-server'),
    mariadbInstallDb: require(lookup, 'mariadb-install-db', 'mariadb', 'mariadb-server'),
  };
}
