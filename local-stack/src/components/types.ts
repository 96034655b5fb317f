// The shapes of a stack component: process components (launched and health-checked) and setup
// components (run once against the others).
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

/** What every row of the stack has. */
interface ComponentBase {
  name: string;
  dependsOn: string[];
  address: (cfg: StackConfig) => string;
  maven?: MavenProject[];
  isHealthy: (ctx: StackContext) => Promise<boolean>;
  /** Why it is not healthy, for the error message (e.g. a connector task's stack trace). */
  diagnose?: (ctx: StackContext) => Promise<string>;
}

/** A process the launcher starts, records by pid and stops. */
export interface ProcessComponent extends ComponentBase {
  kind: 'process';
  /** Ports that must be free before the process starts. */
  ports?: (cfg: StackConfig) => number[];
  /** One-time preparation before launch: config files, formatting storage, installing a datadir. */
  prepare?: (ctx: StackContext) => Promise<void>;
  launch: (ctx: StackContext) => LaunchSpec;
  /** Idempotent set-up once healthy. */
  ensure?: (ctx: StackContext) => Promise<void>;
}

/** Configuration applied to running processes (a connector, Pinot tables): no pid, `ensure` is the whole job. */
export interface SetupComponent extends ComponentBase {
  kind: 'setup';
  ensure: (ctx: StackContext) => Promise<void>;
}

/** One row of the stack. */
export type Component = ProcessComponent | SetupComponent;
