import type { StackConfig } from '../config.js';
import type { Layout } from '../layout.js';
import type { LaunchSpec } from '../processes.js';
import type { MavenProject } from '../maven.js';
import type { Toolchain } from '../prerequisites.js';
import type { Versions } from '../versions.js';

export interface StackContext {
  cfg: StackConfig;
  paths: Layout;
  tools: Toolchain;
  versions: Versions;
  progress: (line: string) => void;
}

/**
 * One row of the stack: either a process the launcher starts (has `launch`) or a piece of
 * configuration applied to running processes (a connector, Pinot tables) that has no pid.
 */
export interface Component {
  name: string;
  dependsOn: string[];
  address: (cfg: StackConfig) => string;
  /** Ports that must be free before the process starts. */
  ports?: (cfg: StackConfig) => number[];
  maven?: MavenProject[];
  /** One-time preparation before launch: config files, formatting storage, installing a datadir. */
  prepare?: (ctx: StackContext) => Promise<void>;
  launch?: (ctx: StackContext) => LaunchSpec;
  /** Idempotent set-up once healthy (or, for config components, the whole job). */
  ensure?: (ctx: StackContext) => Promise<void>;
  isHealthy: (ctx: StackContext) => Promise<boolean>;
  /** Why it is not healthy, for the error message (e.g. a connector task's stack trace). */
  diagnose?: (ctx: StackContext) => Promise<string>;
}
