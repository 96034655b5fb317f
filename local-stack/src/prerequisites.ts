// Checks the machine has what the stack needs (java, mvn, mariadbd, ...) and finds the Java 21 the
// schema registry runs on.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { PizzashopError } from '@pizzashop/common';
import type { StackConfig } from './config.js';

/** A tool the stack needs is missing or too old: the machine needs a fix (the message says which). */
export class PrerequisiteError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'internal' });
  }
}

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

/** The major version a `java` binary reports (`java -version`, run asynchronously: a JVM start takes a while), or undefined when it does not run. */
export async function javaMajor(java: string): Promise<number | undefined> {
  const versionText = await promisify(execFile)(java, ['-version'], { encoding: 'utf8' }).then(
    (out) => out.stderr,
    (err: { stderr?: string; message: string }) => err.stderr || err.message,
  );
  const major = Number(/version "(\d+)/.exec(versionText)?.[1]);
  return Number.isInteger(major) ? major : undefined;
}

/** Requires the stack's java to be 17+. */
export async function checkJavaVersion(java: string): Promise<void> {
  const major = await javaMajor(java);
  if (major === undefined || major < 17) throw new PrerequisiteError(`java: ${java} reports Java ${major ?? '(no version)'}, 17+ needed. Fix: apt-get install -y openjdk-17-jdk-headless`);
}

const JVM_DIR = '/usr/lib/jvm';
const INSTALL_JAVA21 = 'Debian 13: apt-get install -y openjdk-21-jre-headless; Debian 12 has none: Eclipse Temurin 21 or newer';

/**
 * A Java 21+ runtime for the components that need one (Apicurio Registry 3 is built for Java 21):
 * STACK_JAVA21_HOME when set (it must be 21+), else the stack's java when it is 21+, else the newest
 * JDK under /usr/lib/jvm. None: one error naming what to install and the variable to set.
 */
export async function findJava21(
  cfg: StackConfig,
  stackJava: string,
  major: (java: string) => Promise<number | undefined> = javaMajor,
  jvmDir = JVM_DIR,
): Promise<string> {
  if (cfg.STACK_JAVA21_HOME) {
    const java = join(cfg.STACK_JAVA21_HOME, 'bin', 'java');
    const found = existsSync(java) ? await major(java) : undefined;
    if (found !== undefined && found >= 21) return java;
    throw new PrerequisiteError(
      `java 21: STACK_JAVA21_HOME=${cfg.STACK_JAVA21_HOME} has ${found === undefined ? 'no runnable bin/java' : `Java ${found}`}; the schema registry needs Java 21+. Fix: point STACK_JAVA21_HOME at a JDK 21+ (${INSTALL_JAVA21})`,
    );
  }
  const stackMajor = await major(stackJava);
  if ((stackMajor ?? 0) >= 21) return stackJava;
  const javas = (existsSync(jvmDir) ? readdirSync(jvmDir) : []).map((dir) => join(jvmDir, dir, 'bin', 'java')).filter((java) => existsSync(java));
  const candidates = (await Promise.all(javas.map(async (java) => ({ java, version: (await major(java)) ?? 0 }))))
    .filter((c) => c.version >= 21)
    .sort((a, b) => b.version - a.version);
  if (candidates[0]) return candidates[0].java;
  throw new PrerequisiteError(
    `java 21: the schema registry (Apicurio Registry 3) needs Java 21+, and none was found (${stackJava} is Java ${stackMajor ?? '?'}, nothing 21+ under ${jvmDir}). ` +
      `Fix: install a JDK 21+ (${INSTALL_JAVA21}), or set STACK_JAVA21_HOME to one`,
  );
}
