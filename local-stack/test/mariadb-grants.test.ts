// Tests MariaDB's bootstrap against a mocked connection: init files once per datadir, grants at every
// start, a read-only app user.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const queries: string[] = [];
vi.mock('mysql2/promise', () => ({
  default: {
    createConnection: async () => ({
      query: async (sql: string) => {
        queries.push(sql);
        return [[], []];
      },
      end: async () => undefined,
    }),
  },
}));

const { mariadb } = await import('../src/components/mariadb.js');
const { loadStackConfig } = await import('../src/config.js');
const { layout } = await import('../src/layout.js');
const { readVersions } = await import('../src/versions.js');

function fakeContext() {
  const cfg = loadStackConfig({ STACK_STATE_DIR: mkdtempSync(join(tmpdir(), 'stack-unit-')), MYSQL_USER: 'app', MYSQL_PASSWORD: 'pw' });
  const paths = layout(cfg);
  mkdirSync(paths.data('mariadb'), { recursive: true });
  return { cfg, paths, tools: { java: 'java', mvn: 'mvn', mariadbd: 'mariadbd', mariadbInstallDb: 'mariadb-install-db' }, versions: readVersions(), progress: () => undefined };
}

const isGrants = (sql: string) => sql.includes('CREATE USER IF NOT EXISTS');
const isInitFile = (sql: string) => sql.includes('USE pizzashop') || sql.includes('CREATE DATABASE');

/** The statements of the rendered grants file that name the app user. */
function appUserStatements(grants: string): string[] {
  return grants
    .replace(/^--.*$/gm, '')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.includes("'app'@'%'"));
}

describe('mariadb bootstrap', () => {
  beforeEach(() => {
    queries.length = 0;
  });

  it('applies the init files once per datadir, the grants at every start', async () => {
    const ctx = fakeContext();
    await mariadb.ensure!(ctx);
    expect(queries.filter(isInitFile).length).toBeGreaterThan(0);
    expect(queries.filter(isGrants)).toHaveLength(1);
    expect(existsSync(join(ctx.paths.data('mariadb'), '.bootstrapped'))).toBe(true);

    queries.length = 0;
    await mariadb.ensure!(ctx);
    expect(queries.filter(isInitFile)).toEqual([]);
    expect(queries.filter(isGrants)).toHaveLength(1);
  });

  it('re-applies the grants on a datadir bootstrapped before (marker present)', async () => {
    const ctx = fakeContext();
    writeFileSync(join(ctx.paths.data('mariadb'), '.bootstrapped'), 'earlier');
    await mariadb.ensure!(ctx);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toContain("GRANT SELECT ON `pizzashop`.* TO 'app'@'%'");
  });

  it('makes the app user read-only on pizzashop, revoking the writes older grants gave it', async () => {
    const ctx = fakeContext();
    writeFileSync(join(ctx.paths.data('mariadb'), '.bootstrapped'), 'earlier');
    await mariadb.ensure!(ctx);
    const statements = appUserStatements(queries[0]!);
    const grants = statements.filter((s) => s.startsWith('GRANT'));
    expect(grants).toEqual(["GRANT SELECT ON `pizzashop`.* TO 'app'@'%'"]);
    const revoke = statements.findIndex((s) => s === "REVOKE INSERT, UPDATE, DELETE ON `pizzashop`.* FROM 'app'@'%'");
    expect(revoke).toBeGreaterThan(statements.indexOf(grants[0]!));
  });
});
