// How the stack launches its JVM components: the JDK 17 --add-opens for Pinot, the quick-start flags,
// log4j2 config and the java command line.
import { join } from 'node:path';
import { repoRoot } from '../config.js';
import type { StackContext } from './types.js';
import type { LaunchSpec } from '../processes.js';

/** Opens JDK 17+ modules that Pinot 0.11's libraries (Jersey, Netty, Helix) reflect into. */
export const JDK17_OPENS = [
  'java.base/java.lang',
  'java.base/java.lang.reflect',
  'java.base/java.io',
  'java.base/java.net',
  'java.base/java.nio',
  'java.base/java.util',
  'java.base/java.util.concurrent',
  'java.base/sun.nio.ch',
  'java.base/jdk.internal.misc',
].flatMap((m) => [`--add-opens=${m}=ALL-UNNAMED`]);

/**
 * For JVMs whose start-up matters more than peak throughput (ZooKeeper, Pinot controller, Connect):
 * C1-only JIT and the serial collector spend far less CPU while starting on a 2-core machine.
 */
export const QUICK_START = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** Kafka's and Connect's log4j2 config: console only; the launcher sends it to the component's log file. */
export const LOG4J2_CONFIG = `-Dlog4j2.configurationFile=${join(repoRoot, 'local-stack', 'conf', 'log4j2.properties')}`;

export interface JvmSpec {
  heap: string;
  classpath: string[];
  mainClass: string;
  args: string[];
  jvmArgs?: string[];
}

/** A java command with an explicit heap (left to defaults each JVM takes a quarter of the machine). */
export function javaLaunch(ctx: StackContext, spec: JvmSpec): LaunchSpec {
  return {
    command: ctx.tools.java,
    args: [
      `-Xmx${spec.heap}`,
      '-Xms64m',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.net.preferIPv4Stack=true',
      ...(spec.jvmArgs ?? []),
      '-cp',
      spec.classpath.map((dir) => `${dir}/*`).join(':'),
      spec.mainClass,
      ...spec.args,
    ],
  };
}
