// Tests that each way the launcher can fail (missing binary, Java 21, port in use, never healthy) ends
// in one line naming the component and the fix.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcessComponent, StackContext } from '../src/components/types.js';
import { loadStackConfig } from '../src/config.js';
import { layout } from '../src/layout.js';
import { ensureClasspath, MavenError } from '../src/maven.js';
import { checkPrerequisites, findJava21, PrerequisiteError } from '../src/prerequisites.js';
import { assertPortsFree, waitHealthy } from '../src/stack.js';
import { readVersions } from '../src/versions.js';

function fakeContext(env: Record<string, string> = {}): StackContext {
  const cfg = loadStackConfig({ STACK_STATE_DIR: mkdtempSync(join(tmpdir(), 'stack-unit-')), ...env });
  return { cfg, paths: layout(cfg), tools: { java: 'java', mvn: 'mvn', mariadbd: 'mariadbd', mariadbInstallDb: 'mariadb-install-db' }, versions: readVersions(), progress: () => undefined };
}

const fakeComponent = (over: Partial<ProcessComponent>): ProcessComponent => ({
  kind: 'process',
  name: 'fake',
  launch: () => ({ command: 'true', args: [] }),
  dependsOn: [],
  address: () => 'nowhere',
  isHealthy: async () => false,
  ...over,
});

describe('launcher failure modes: one clear line naming the component and the fix', () => {
  it('a missing binary names its apt package', () => {
    const cfg = fakeContext().cfg;
    const lookup = (b: string) => (b === 'mvn' ? undefined : `/usr/bin/${b}`);
    expect(() => checkPrerequisites({ ...cfg, STACK_JAVA_HOME: undefined }, (b) => (b === 'java' ? undefined : lookup(b)))).toThrow(
      new PrerequisiteError("java: 'java' not found. Fix: apt-get install -y openjdk-17-jdk-headless"),
    );
    expect(() => checkPrerequisites(cfg, lookup)).toThrow(/maven: 'mvn' not found\. Fix: apt-get install -y maven/);
    expect(() => checkPrerequisites(cfg, (b) => (b.startsWith('mariadb') ? undefined : `/usr/bin/${b}`))).toThrow(/apt-get install -y mariadb-server/);
  });

  it('the schema registry finds a Java 21+ (STACK_JAVA21_HOME, the stack\'s java, or the newest under the JVM dir), else names what to install', async () => {
    const cfg = fakeContext().cfg;
    const jvmDir = mkdtempSync(join(tmpdir(), 'jvm-'));
    const jdk = (name: string) => {
      mkdirSync(join(jvmDir, name, 'bin'), { recursive: true });
      writeFileSync(join(jvmDir, name, 'bin', 'java'), '');
      return join(jvmDir, name, 'bin', 'java');
    };
    const versions = new Map<string, number>();
    const major = async (java: string) => versions.get(java);
    versions.set(jdk('java-17-openjdk-amd64'), 17);
    await expect(findJava21(cfg, '/usr/bin/java', major, jvmDir)).rejects.toThrow(
      /java 21: the schema registry \(Apicurio Registry 3\) needs Java 21\+, and none was found .*Fix: install a JDK 21\+ \(Debian 13: apt-get install -y openjdk-21-jre-headless.*\), or set STACK_JAVA21_HOME/,
    );
    versions.set(jdk('temurin-21-jdk-amd64'), 21);
    versions.set(jdk('temurin-25-jdk-amd64'), 25);
    await expect(findJava21(cfg, '/usr/bin/java', major, jvmDir)).resolves.toBe(join(jvmDir, 'temurin-25-jdk-amd64', 'bin', 'java'));
    versions.set('/usr/bin/java', 22);
    await expect(findJava21(cfg, '/usr/bin/java', major, jvmDir)).resolves.toBe('/usr/bin/java');
    const pinned = { ...cfg, STACK_JAVA21_HOME: join(jvmDir, 'temurin-21-jdk-amd64') };
    await expect(findJava21(pinned, '/usr/bin/java', major, jvmDir)).resolves.toBe(join(jvmDir, 'temurin-21-jdk-amd64', 'bin', 'java'));
    const wrong = { ...cfg, STACK_JAVA21_HOME: join(jvmDir, 'java-17-openjdk-amd64') };
    await expect(findJava21(wrong, '/usr/bin/java', major, jvmDir)).rejects.toThrow(new PrerequisiteError(
      `java 21: STACK_JAVA21_HOME=${wrong.STACK_JAVA21_HOME} has Java 17; the schema registry needs Java 21+. Fix: point STACK_JAVA21_HOME at a JDK 21+ (Debian 13: apt-get install -y openjdk-21-jre-headless; Debian 12 has none: Eclipse Temurin 21 or newer)`,
    ));
  });

  it('a port in use names the component, the port and the fix', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      await expect(assertPortsFree(fakeContext(), fakeComponent({ name: 'kafka', ports: () => [port] }))).rejects.toThrow(
        new RegExp(`kafka: port ${port} is already in use .* Fix: stop that process`),
      );
    } finally {
      server.close();
    }
  });

  it('a component that never becomes healthy fails with its last log lines', async () => {
    const ctx = fakeContext({ STACK_START_TIMEOUT_MS: '1200' });
    const component = fakeComponent({ name: 'pinot-broker', launch: () => ({ command: 'true', args: [] }) });
    await expect(waitHealthy(ctx, component, null)).rejects.toThrow(/pinot-broker: not healthy after 1\.2s \(raise STACK_START_TIMEOUT_MS.*\). Last lines of .*pinot-broker\.log/s);
  });

  it('a Maven resolution failure names the project and the fix', async () => {
    const ctx = fakeContext();
    const fakeMvn = join(ctx.cfg.STACK_STATE_DIR, 'mvn');
    writeFileSync(fakeMvn, '#!/bin/sh\necho "[ERROR] Could not resolve dependencies for project pinot"\nexit 1\n', { mode: 0o755 });
    const attempt = ensureClasspath('pinot', ctx.paths.lib('pinot'), ctx.versions, fakeMvn, () => undefined);
    await expect(attempt).rejects.toThrow(MavenError);
    await expect(ensureClasspath('pinot', ctx.paths.lib('pinot'), ctx.versions, fakeMvn, () => undefined)).rejects.toThrow(
      /maven: resolving pinot .* failed with exit code 1:\n\[ERROR\] Could not resolve.*\nFix: check network access to Maven Central/s,
    );
  });
});
