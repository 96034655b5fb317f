// Tests which Chromium the dashboard end-to-end test drives (Debian's or CHROMIUM_PATH), its errors,
// and where screenshots go.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshotDir } from '../src/browser/e2e.js';
import { repoRoot } from '@pizzashop/testkit';
import { ChromiumError, chromiumPath, ensureChromium } from '../src/browser/chromium.js';

/** The browser step `npm test` runs before the test runner (the apt-get install itself is exercised by CI on a machine without it). */
describe('chromium for the dashboard end-to-end test', () => {
  it('is Debian\'s /usr/bin/chromium unless CHROMIUM_PATH names another', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
  });

  it('takes CHROMIUM_PATH as it is when it is an executable, and says so', async () => {
    const browser = join(mkdtempSync(join(tmpdir(), 'chromium-')), 'chrome');
    writeFileSync(browser, '#!/bin/sh\necho "Chromium 1.2.3"\n', { mode: 0o755 });
    const lines: string[] = [];
    await expect(ensureChromium((l) => lines.push(l), { CHROMIUM_PATH: browser })).resolves.toBe(browser);
    expect(lines).toEqual([`[setup] chromium: already installed (${browser}, from CHROMIUM_PATH; Chromium 1.2.3)`]);
  });

  it('never installs over a CHROMIUM_PATH that is wrong: one error naming the variable and the Debian package', async () => {
    const err = await ensureChromium(() => undefined, { CHROMIUM_PATH: '/nonexistent/chrome' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChromiumError);
    expect((err as Error).message).toBe(
      'chromium: CHROMIUM_PATH=/nonexistent/chrome is not an executable file. Fix: point CHROMIUM_PATH at a Chromium or Chrome binary, or unset it to use Debian\'s "chromium" package',
    );
  });

  it('writes screenshots to a gitignored folder; UPDATE_SCREENSHOTS=1 refreshes docs/', () => {
    expect(screenshotDir({})).toBe(join(repoRoot, '.test-output', 'screenshots'));
    expect(screenshotDir({ UPDATE_SCREENSHOTS: '1' })).toBe(join(repoRoot, 'docs'));
  });
});
