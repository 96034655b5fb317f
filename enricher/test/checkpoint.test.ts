// Unit tests of a partition's checkpoint: its record and where a partition resumes.
import { describe, expect, it } from 'vitest';
import { checkpointMessage, parseCheckpoint, resumeOffset } from '../src/checkpoint.js';

describe('checkpoint', () => {
  it('reads back the next offset it was written with, and nothing from other bytes', () => {
    const message = checkpointMessage(2, 123_456_789_012n);
    expect(message.partition).toBe(2);
    expect(parseCheckpoint(Buffer.from(String(message.value)))).toBe(123_456_789_012n);
    expect(parseCheckpoint(Buffer.from('{"orderId":"x"}'))).toBeUndefined();
    expect(parseCheckpoint(Buffer.from('{'))).toBeUndefined();
  });

  it('resumes at the further of the committed offset and the checkpoint', () => {
    expect(resumeOffset(10n, 12n)).toBe(12n);
    expect(resumeOffset(12n, 10n)).toBe(12n);
    expect(resumeOffset(null, 7n)).toBe(7n);
    expect(resumeOffset(7n, null)).toBe(7n);
    expect(resumeOffset(null, null)).toBeNull();
  });
});
