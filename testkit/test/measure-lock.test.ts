// Tests the bench measurement lock: a second holder waits for the first to release it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireMeasureLock } from '../src/bench/measure-lock.js';

describe('measurement lock', () => {
  it('lets a second holder in only after the first released the lock', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'measure-lock-')), 'lock');
    const first = await acquireMeasureLock(file, () => undefined);
    let waited = false;
    let secondHasIt = false;
    const second = acquireMeasureLock(file, () => (waited = true)).then((lock) => {
      secondHasIt = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(waited).toBe(true);
    expect(secondHasIt).toBe(false);
    first.release();
    (await second).release();
    expect(secondHasIt).toBe(true);
  });
});
