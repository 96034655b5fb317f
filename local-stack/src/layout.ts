import { join } from 'node:path';
import type { StackConfig } from './config.js';

/** Where everything of one stack lives under its state dir. */
export function layout(cfg: StackConfig) {
  const root = cfg.STACK_STATE_DIR;
  return {
    root,
    lib: (project: string) => join(root, 'lib', project),
    connectPlugins: join(root, 'lib', 'connect-plugins'),
    data: (component: string) => join(root, 'data', component),
    conf: (file: string) => join(root, 'conf', file),
    log: (component: string) => join(root, 'logs', `${component}.log`),
    pid: (component: string) => join(root, 'pids', `${component}.pid`),
    marker: (name: string) => join(root, 'markers', name),
  };
}
export type Layout = ReturnType<typeof layout>;
