// The runtime stage of each service image, without Docker: the Dockerfile's bundle step writes one
// ESM file, which then runs in a folder holding only it and package.json (no node_modules), with
// the env compose gives the service (infrastructure pointed at closed loopback ports), and must
// answer its HEALTHCHECK's /healthz.
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dockerfileInstructions, loadComposeModel, type Service } from './compose-model.js';
import { repoRoot } from '@pizzashop/testkit';

const model = loadComposeModel();
const built = [...model.services.values()].filter((s) => s.build);

/** Infrastructure the service would dial, replaced by a closed port: nothing leaves loopback. */
const closedInfra: Record<string, string> = {
  KAFKA_BROKERS: '127.0.0.1:1',
  MYSQL_HOST: '127.0.0.1',
  MYSQL_PORT: '1',
  PINOT_BROKER_URLS: 'http://127.0.0.1:1',
  PINOT_CONTROLLER_URL: 'http://127.0.0.1:1',
  KAFKA_CONNECT_URL: 'http://127.0.0.1:1',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1/apis/ccompat/v7',
  API_URL: 'http://127.0.0.1:1',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The bundled workspace, the port variable its HEALTHCHECK reads, the service's own port variable
 * (the same one, except in the parametrised image, whose HEALTHCHECK_PORT comes from the PORT build
 * arg that the service's *_HTTP_PORT is set to), and whether it builds a web page.
 */
function imageFacts(s: Service) {
  const text = dockerfileInstructions(join(repoRoot, s.build!.dockerfile), s.build!.args).map(([, rest]) => rest).join('\n');
  const workspace = /node docker\/bundle-service\.mjs (\S+)/.exec(text)?.[1];
  const portVar = /process\.env\.([A-Z0-9_]+)/.exec(text)?.[1];
  if (!workspace || !portVar) throw new Error(`${s.build!.dockerfile}: no bundle step or HEALTHCHECK port variable`);
  const ownPortVar = Object.keys(s.env).find((key) => key.endsWith('_HTTP_PORT') && s.env[key] === s.build!.args.PORT) ?? portVar;
  return { workspace, portVar, ownPortVar, hostVar: ownPortVar.replace(/PORT$/, 'HOST'), buildsPage: /npm run build --workspace/.test(text) };
}

async function healthz(port: number, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      return res.status;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return 0;
}

describe('service bundles', () => {
  it.concurrent.each(built.map((s) => [s.name, s] as const))(
    '%s: bundle runs without node_modules and answers /healthz',
    async (_name, s) => {
      const { workspace, portVar, ownPortVar, hostVar, buildsPage } = imageFacts(s);
      const dir = mkdtempSync(join(tmpdir(), `bundle-${workspace}-`));
      try {
        await promisify(execFile)(process.execPath, [join(repoRoot, 'docker/bundle-service.mjs'), workspace, join(dir, 'dist/main.js')]);
        copyFileSync(join(repoRoot, workspace, 'package.json'), join(dir, 'package.json'));
        // The page build (the workspace's own `build` script, tested there) stands in as one file.
        if (buildsPage) {
          mkdirSync(join(dir, 'dist/public'));
          writeFileSync(join(dir, 'dist/public/index.html'), '<!doctype html><title>stand-in</title>');
        }
        const port = await freePort();
        const env = { ...s.env, ...closedInfra, [portVar]: String(port), [ownPortVar]: String(port), [hostVar]: '127.0.0.1', PATH: process.env.PATH ?? '', NODE_ENV: 'production' };
        for (const value of Object.values(env)) expect([...model.services.keys()].some((name) => value.includes(`//${name}:`))).toBe(false);
        const child = spawn(process.execPath, ['dist/main.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
        try {
          const status = await Promise.race([healthz(port, Date.now() + 45_000), exited.then(() => -1)]);
          expect(status, `${workspace}/dist/main.js: ${output.slice(0, 2000)}`).toBe(200);
          expect(output).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)|Dynamic require of/);
        } finally {
          child.kill('SIGKILL');
          await exited;
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
