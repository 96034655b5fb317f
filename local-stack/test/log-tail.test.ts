// The log tail quoted in start-up errors: a Java component's message, not its stack frames.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tail } from '../src/processes.js';

function logFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'log-tail-')), 'component.log');
  writeFileSync(file, text);
  return file;
}

describe('tail of a component log', () => {
  it('keeps the message lines of a trace and says how many frames it left out', () => {
    const frames = Array.from({ length: 40 }, (_, i) => `\tat io.netty.Handler.read${i}(Handler.java:${i})`);
    const file = logFile(['starting', 'WARN Thread blocked for 2656 ms', ...frames, '\t... 12 more', 'ERROR registry failed to start: timeout', ''].join('\n'));
    const text = tail(file, 5);
    expect(text).toContain('WARN Thread blocked for 2656 ms');
    expect(text).toContain('ERROR registry failed to start: timeout');
    expect(text).not.toContain('io.netty.Handler');
    expect(text).toContain(`41 JVM stack frame lines left out; the whole log is ${file}`);
  });

  it('returns the last lines unchanged when there is no trace', () => {
    const file = logFile(['a', 'b', 'c', 'd', ''].join('\n'));
    expect(tail(file, 2)).toBe('c\nd\n');
  });

  it('names the missing file', () => {
    expect(tail('/nonexistent/x.log')).toBe('(no log at /nonexistent/x.log)');
  });
});
