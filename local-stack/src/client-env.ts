// The env a test or drill needs to talk to a running stack: the services' keys plus the MariaDB admin
// account and the state dir.
import { join } from 'node:path';
import { serviceEnv } from './config.js';
import type { StackContext } from './components/index.js';

/**
 * Everything a client of a running stack needs beside the services' own keys: the admin account
 * (root over the MariaDB instance's unix socket, for tests and drills that change the catalogue) and
 * the state dir (for those that stop and restart components through the launcher).
 */
export function clientEnv(ctx: StackContext): Record<string, string> {
  return {
    ...serviceEnv(ctx.cfg),
    MYSQL_ADMIN_USER: 'root',
    MYSQL_ADMIN_PASSWORD: '',
    MYSQL_ADMIN_SOCKET: join(ctx.paths.data('mariadb'), 'mariadb.sock'),
    STACK_STATE_DIR: ctx.cfg.STACK_STATE_DIR,
    STACK_PORT_OFFSET: String(ctx.cfg.STACK_PORT_OFFSET),
  };
}
