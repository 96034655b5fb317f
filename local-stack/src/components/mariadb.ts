// MariaDB as a stack component: bootstraps the datadir from docker/mysql, applies the grants at every
// start and serves on a unix socket and port.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { repoRoot } from '../config.js';
import { render, sqlString } from '../templates.js';
import { writeConf } from '../layout.js';
import type { ProcessComponent, StackContext } from './types.js';

const mysqlDir = join(repoRoot, 'docker', 'mysql');
const isRoot = () => process.getuid?.() === 0;
const socketOf = (ctx: StackContext) => join(ctx.paths.data('mariadb'), 'mariadb.sock');

/** A root connection over the instance's own unix socket (root has no password on this private instance). */
export function adminConnection(ctx: StackContext, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({ socketPath: socketOf(ctx), user: 'root', database, multipleStatements: true, connectTimeout: 10_000 });
}

function writeServerConfig(ctx: StackContext): string {
  const { cfg, paths } = ctx;
  const dataDir = join(paths.data('mariadb'), 'db');
  writeConf(paths, 'mariadb.cnf', 'instance settings, then the shared server config', [
    '[mysqld]',
    `port = ${cfg.MARIADB_PORT}`,
    `bind-address = ${cfg.STACK_BIND_HOST}`,
    `datadir = ${dataDir}`,
    `socket = ${socketOf(ctx)}`,
    `pid-file = ${join(paths.data('mariadb'), 'mariadb.pid')}`,
    `log-error = ${paths.log('mariadb-server')}`,
    'innodb_buffer_pool_size = 128M',
    `!include ${join(mysqlDir, 'conf', 'pizzashop.cnf')}`,
  ]);
  return dataDir;
}

/** Schema, catalogue and users from docker/mysql/init, applied once per datadir. */
async function applyInitFiles(ctx: StackContext, conn: mysql.Connection): Promise<void> {
  const marker = join(ctx.paths.data('mariadb'), '.bootstrapped');
  if (existsSync(marker)) return;
  const initDir = join(mysqlDir, 'init');
  for (const file of readdirSync(initDir).filter((f) => f.endsWith('.sql')).sort()) {
    ctx.progress(`[mariadb] applying docker/mysql/init/${file}`);
    await conn.query(readFileSync(join(initDir, file), 'utf8'));
  }
  writeFileSync(marker, new Date().toISOString());
}

/** The users and their grants, applied at every start so an existing datadir follows the file. */
async function applyGrants(ctx: StackContext, conn: mysql.Connection): Promise<void> {
  const templateFile = join(mysqlDir, 'grants.sql.template');
  const grants = render(
    readFileSync(templateFile, 'utf8'),
    {
      MYSQL_APP_USER: ctx.cfg.MYSQL_USER,
      MYSQL_APP_PASSWORD: ctx.cfg.MYSQL_PASSWORD,
      DEBEZIUM_USER: ctx.cfg.DEBEZIUM_USER,
      DEBEZIUM_PASSWORD: ctx.cfg.DEBEZIUM_PASSWORD,
    },
    templateFile,
    sqlString,
  );
  await conn.query(grants);
}

async function bootstrap(ctx: StackContext): Promise<void> {
  const conn = await adminConnection(ctx);
  try {
    await applyInitFiles(ctx, conn);
    await applyGrants(ctx, conn);
  } finally {
    await conn.end();
  }
}

export const mariadb: ProcessComponent = {
  kind: 'process',
  name: 'mariadb',
  dependsOn: [],
  address: (cfg) => `127.0.0.1:${cfg.MARIADB_PORT}`,
  ports: (cfg) => [cfg.MARIADB_PORT],
  async prepare(ctx) {
    const dataDir = writeServerConfig(ctx);
    if (existsSync(join(dataDir, 'mysql'))) return;
    ctx.progress('[mariadb] creating a new datadir with mariadb-install-db');
    // Installed beside and renamed into place, so an interrupted install never looks like a datadir.
    const staging = `${dataDir}.staging-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const args = ['--no-defaults', `--datadir=${staging}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...(isRoot() ? ['--user=root'] : [])];
    await promisify(execFile)(ctx.tools.mariadbInstallDb, args, { encoding: 'utf8' }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`mariadb: mariadb-install-db --datadir=${staging} failed: ${err.stderr || err.message}`);
    });
    if (existsSync(dataDir)) {
      ctx.progress(`[mariadb] ${dataDir} holds no mysql/ system tables (an interrupted install); replacing it`);
      await rm(dataDir, { recursive: true, force: true });
    }
    await rename(staging, dataDir);
  },
  launch: (ctx) => ({
    command: ctx.tools.mariadbd,
    args: [`--defaults-file=${ctx.paths.conf('mariadb.cnf')}`, ...(isRoot() ? ['--user=root'] : [])],
  }),
  async isHealthy(ctx) {
    try {
      const conn = await adminConnection(ctx);
      await conn.query('SELECT 1');
      await conn.end();
      return true;
    } catch {
      return false;
    }
  },
  ensure: bootstrap,
};
