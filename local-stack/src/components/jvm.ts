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
