import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
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

/** The major version a `java` binary reports (`java -version`), or undefined when it does not run. */
export function javaMajor(java: string): number | undefined {
  const versionText = spawnSync(java, ['-version'], { encoding: 'utf8' }).stderr ?? '';
  const major = Number(/version "(\d+)/.exec(versionText)?.[1]);
  return Number.isInteger(major) ? major : undefined;
}

const JVM_DIR = '/usr/lib/jvm';
const INSTALL_JAVA21 = 'Debian 13: apt-get install -y openjdk-21-jre-headless; Debian 12 has none: Eclipse Temurin 21 or newer';

/**
 * A Java 21+ runtime for the components that need one (Apicurio Registry 3 is built for Java 21):
 * STACK_JAVA21_HOME when set (it must be 21+), else the stack's java when it is 21+, else the newest
 * JDK under /usr/lib/jvm. None: one error naming what to install and the variable to set.
 */
export function findJava21(cfg: StackConfig, stackJava: string, major: (java: string) => number | undefined = javaMajor, jvmDir = JVM_DIR): string {
  if (cfg.STACK_JAVA21_HOME) {
    const java = join(cfg.STACK_JAVA21_HOME, 'bin', 'java');
    const found = existsSync(java) ? major(java) : undefined;
    if (found !== undefined && found >= 21) return java;
    throw new PrerequisiteError(`java 21: STACK_JAVA21_HOME=${cfg.STACK_JAVA21_HOME} has ${found === undefined ? 'no runnable bin/java' : `Java ${found}`}; the schema registry needs Java 21+. Fix: point STACK_JAVA21_HOME at a JDK 21+ (${INSTALL_JAVA21})`);
  }
  if ((major(stackJava) ?? 0) >= 21) return stackJava;
  const candidates = (existsSync(jvmDir) ? readdirSync(jvmDir) : [])
    .map((dir) => join(jvmDir, dir, 'bin', 'java'))
    .filter((java) => existsSync(java))
    .map((java) => ({ java, version: major(java) ?? 0 }))
    .filter((c) => c.version >= 21)
    .sort((a, b) => b.version - a.version);
  if (candidates[0]) return candidates[0].java;
  throw new PrerequisiteError(
    `java 21: the schema registry (Apicurio Registry 3) needs Java 21+, and none was found (${stackJava} is Java ${major(stackJava) ?? '?'}, nothing 21+ under ${jvmDir}). ` +
      `Fix: install a JDK 21+ (${INSTALL_JAVA21}), or set STACK_JAVA21_HOME to one`,
  );
}

/** Checks java (17+), mvn and the MariaDB server binaries; each missing one is a one-line error with its apt package. */
export function checkPrerequisites(cfg: StackConfig, lookup: Lookup = findBinary): Toolchain {
  const java = cfg.STACK_JAVA_HOME ? join(cfg.STACK_JAVA_HOME, 'bin', 'java') : require(lookup, 'java', 'java', 'openjdk-17-jdk-headless');
  if (!existsSync(java)) throw new PrerequisiteError(`java: ${java} not found (STACK_JAVA_HOME=${cfg.STACK_JAVA_HOME}). Fix: point STACK_JAVA_HOME at a JDK 17+`);
  const major = javaMajor(java);
  if (major === undefined || major < 17) throw new PrerequisiteError(`java: ${java} reports Java ${major ?? '(no version)'}, 17+ needed. Fix: apt-get install -y openjdk-17-jdk-headless`);
  return {
    java,
    mvn: require(lookup, 'mvn', 'maven', 'maven'),
    mariadbd: require(lookup, 'mariadbd', 'mariadb', 'mariadb-server'),
    mariadbInstallDb: require(lookup, 'mariadb-install-db', 'mariadb', 'mariadb-server'),
  };
}
