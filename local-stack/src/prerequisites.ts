import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { StackConfig } from './config.js';

export class PrerequisiteError extends Error {}

/** True for a file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Finds an executable on PATH (as `command -v` would, without a shell) or in the usual sbin dirs (mariadbd lives in /usr/sbin). */
export function findBinary(binary: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  return dirs.map((d) => join(d, binary)).find(isExecutableFile);
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

/**
 * Finds java, mvn and the MariaDB server binaries (no child process: safe in a test worker); each
 * missing one is a one-line error with its apt package. The Java version is checked by `checkJavaVersion`.
 */
export function checkPrerequisites(cfg: StackConfig, lookup: Lookup = findBinary): Toolchain {
  const java = cfg.STACK_JAVA_HOME ? join(cfg.STACK_JAVA_HOME, 'bin', 'java') : require(lookup, 'java', 'java', 'openjdk-17-jdk-headless');
  if (!existsSync(java)) throw new PrerequisiteError(`java: ${java} not found (STACK_JAVA_HOME=${cfg.STACK_JAVA_HOME}). Fix: point STACK_JAVA_HOME at a JDK 17+`);
  return {
    java,
    mvn: require(lookup, 'mvn', 'maven', 'maven'),
    mariadbd: require(lookup, 'mariadbd', 'mariadb', 'mariadb-server'),
    mariadbInstallDb: require(lookup, 'mariadb-install-db', 'mariadb', 'mariadb-server'),
  };
}

/** Runs `java -version` (asynchronously: a JVM start takes a while on a busy machine) and requires 17+. */
export async function checkJavaVersion(java: string): Promise<void> {
  const versionText = await promisify(execFile)(java, ['-version'], { encoding: 'utf8' }).then(
    (out) => out.stderr,
    (err: { stderr?: string; message: string }) => err.stderr || err.message,
  );
  const major = Number(/version "(\d+)/.exec(versionText)?.[1]);
  if (!(major >= 17)) throw new PrerequisiteError(`java: ${java} reports "${versionText.split('\n')[0]}", 17+ needed. Fix: apt-get install -y openjdk-17-jdk-headless`);
}
