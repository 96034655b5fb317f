// The Chromium the dashboard end-to-end test drives: CHROMIUM_PATH, or Debian's `chromium` package,
// installed with apt-get (asynchronously, with progress) before the test runner starts.
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { PizzashopError } from '@pizzashop/common';
import { findBinary, isExecutableFile } from '@pizzashop/local-stack';

export const DEBIAN_PACKAGE = 'chromium';
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** No usable Chromium: the machine needs a fix (the message says which). */
export class ChromiumError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'internal' });
  }
}

/** The browser binary: CHROMIUM_PATH when set (any Chromium or Chrome), else Debian's. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
}

const FIX = `Fix: install Debian's "${DEBIAN_PACKAGE}" package (apt-get install -y ${DEBIAN_PACKAGE}), or set CHROMIUM_PATH to a Chromium or Chrome binary`;

async function versionOf(path: string): Promise<string> {
  const { stdout } = await promisify(execFile)(path, ['--version'], { encoding: 'utf8', timeout: 30_000 }).catch(() => ({ stdout: '' }));
  return stdout.trim();
}

/**
 * Makes sure the browser is there and returns its path: CHROMIUM_PATH must point at an executable;
 * otherwise Debian's package is installed when missing (as root, or with passwordless sudo).
 */
export async function ensureChromium(progress: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = chromiumPath(env);
  if (isExecutableFile(path)) {
    progress(`[setup] chromium: already installed (${path}${env.CHROMIUM_PATH ? ', from CHROMIUM_PATH' : ''}; ${(await versionOf(path)) || 'version unknown'})`);
    return path;
  }
  if (env.CHROMIUM_PATH) throw new ChromiumError(`chromium: CHROMIUM_PATH=${path} is not an executable file. Fix: point CHROMIUM_PATH at a Chromium or Chrome binary, or unset it to use Debian's "${DEBIAN_PACKAGE}" package`);
  const t0 = Date.now();
  progress(`[setup] chromium: ${path} missing (the dashboard end-to-end test needs it); installing Debian's "${DEBIAN_PACKAGE}" package with apt-get, a few minutes`);
  const sudo = await rootCommand();
  await apt([...sudo, 'apt-get', ...APT_OPTIONS, 'update'], 'apt-get update', progress);
  await apt([...sudo, 'apt-get', ...APT_OPTIONS, 'install', '-y', DEBIAN_PACKAGE], `apt-get install -y ${DEBIAN_PACKAGE}`, progress);
  if (!isExecutableFile(path)) throw new ChromiumError(`chromium: apt-get finished but ${path} is still missing. ${FIX}`);
  progress(`[setup] chromium: installed in ${((Date.now() - t0) / 1000).toFixed(0)}s (${(await versionOf(path)) || path})`);
  return path;
}

/** Waits for another apt-get or dpkg (up to 15 min) instead of failing on its lock; plain lines, no progress bars. */
const APT_OPTIONS = ['-q', '-o', 'DPkg::Lock::Timeout=900', '-o', 'Dpkg::Use-Pty=0'];

/** [] as root, ['sudo', '-n'] with passwordless sudo; otherwise the install cannot run here. */
async function rootCommand(): Promise<string[]> {
  if (process.getuid?.() === 0) return [];
  const sudo = findBinary('sudo');
  const ok = sudo !== undefined && (await promisify(execFile)(sudo, ['-n', 'true']).then(() => true, () => false));
  if (!ok) throw new ChromiumError(`chromium: installing "${DEBIAN_PACKAGE}" needs root (not root, no passwordless sudo). ${FIX}`);
  return [sudo, '-n'];
}

/** Runs one apt-get step, condensing its output into a progress line every 10 s; a failure names the package and the fix. */
async function apt(argv: string[], step: string, progress: (line: string) => void): Promise<void> {
  const t0 = Date.now();
  progress(`[setup] chromium: ${step}`);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const tail: string[] = [];
  const counts = { fetched: 0, unpacked: 0, setUp: 0 };
  let packages = 0;
  let waitingShown = false;
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    if (/^(Get|Hit):\d+/.test(line)) counts.fetched += 1;
    else if (line.startsWith('Unpacking ')) counts.unpacked += 1;
    else if (line.startsWith('Setting up ')) counts.setUp += 1;
    const planned = /(\d+) newly installed/.exec(line);
    if (planned) packages = Number(planned[1]);
    if (/newly installed|^Need to get/.test(line)) progress(`[setup] chromium: ${line.trim()}`);
    if (/Waiting for cache lock|Could not get lock/.test(line) && !waitingShown) {
      waitingShown = true;
      progress(`[setup] chromium: waiting for another apt-get/dpkg to finish (${line.trim()})`);
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const ticker = setInterval(() => {
    const of = packages ? `/${packages}` : '';
    progress(`[setup] chromium: ${step}: ${((Date.now() - t0) / 1000).toFixed(0)}s, ${counts.fetched}${of} fetched, ${counts.unpacked}${of} unpacked, ${counts.setUp}${of} set up`);
  }, 10_000);
  const code = await new Promise<number | string>((resolve) => {
    child.once('error', (err) => resolve(err.message));
    child.once('close', (c, signal) => resolve(c ?? signal ?? 1));
  }).finally(() => clearInterval(ticker));
  if (code !== 0) throw new ChromiumError(`chromium: ${step} failed (${typeof code === 'number' ? `exit ${code}` : code}); last lines:\n${tail.join('\n')}\n${FIX}`);
  progress(`[setup] chromium: ${step} done in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
}
