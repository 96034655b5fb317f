// Unit tests of buildDeadLetter (key and value quoted as text or base64, capped) and fitDeadLetter (stub when too big).
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { buildDeadLetter, DEAD_LETTER_VALUE_CAP, deadLetterSchema, deadLetterValueBytes, fitDeadLetter } from '../src/index.js';

const source = { topic: 'orders', partition: 2, offset: '41', key: Buffer.from('k1') };
const failure = { reason: 'malformed JSON', detail: 'Unexpected token', component: 'enricher' };

describe('buildDeadLetter', () => {
  it('keeps UTF-8 bytes as text', () => {
    const dl = buildDeadLetter({ ...source, value: Buffer.from('{"id":') }, failure, new Date('2026-01-01T00:00:00Z'));
    expect(dl).toEqual({
      ...failure,
      sourceTopic: 'orders',
      partition: 2,
      offset: '41',
      key: 'k1',
      value: '{"id":',
      encoding: 'utf8',
      failedAt: '2026-01-01T00:00:00.000Z',
      valueBytes: 6,
      valueSha256: createHash('sha256').update('{"id":').digest('hex'),
      truncated: false,
    });
    expect(deadLetterSchema.parse(dl)).toEqual(dl);
  });
  it('keeps non-UTF-8 bytes losslessly as base64', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const dl = buildDeadLetter({ ...source, value: bytes }, failure);
    expect(dl.encoding).toBe('base64');
    expect(deadLetterValueBytes(dl)).toEqual(bytes);
    expect(Buffer.from(dl.key!, 'base64').toString()).toBe('k1');
  });
  it('handles null key and value', () => {
    const dl = buildDeadLetter({ ...source, key: null, value: null }, failure);
    expect([dl.key, dl.value, dl.encoding]).toEqual([null, null, 'utf8']);
  });
  it('quotes only the first DEAD_LETTER_VALUE_CAP bytes of a large value, with its size and sha256', () => {
    const big = Buffer.from(`{"note":"${'é'.repeat(DEAD_LETTER_VALUE_CAP)}"}`);
    const dl = buildDeadLetter({ ...source, value: big }, failure);
    expect(dl.truncated).toBe(true);
    expect(dl.encoding).toBe('utf8');
    expect(dl.valueBytes).toBe(big.length);
    expect(dl.valueSha256).toBe(createHash('sha256').update(big).digest('hex'));
    const kept = deadLetterValueBytes(dl)!;
    expect(kept.length).toBeLessThanOrEqual(DEAD_LETTER_VALUE_CAP);
    expect(kept.length).toBeGreaterThan(DEAD_LETTER_VALUE_CAP - 4);
    expect(big.subarray(0, kept.length).equals(kept)).toBe(true);
  });
  it('quotes a large binary value as base64 of its first bytes', () => {
    const big = Buffer.alloc(1024 * 1024, 0xff);
    const dl = buildDeadLetter({ ...source, value: big }, failure);
    expect([dl.encoding, dl.truncated, dl.valueBytes]).toEqual(['base64', true, 1024 * 1024]);
    expect(deadLetterValueBytes(dl)!.length).toBe(DEAD_LETTER_VALUE_CAP);
  });
});

describe('fitDeadLetter', () => {
  const letter = buildDeadLetter({ ...source, value: Buffer.from('x'.repeat(5000)) }, failure);
  it('keeps a letter that fits', () => {
    expect(fitDeadLetter(letter, 100_000)).toBe(letter);
  });
  it('replaces one that does not by a stub naming the source, size and checksum', () => {
    const stub = fitDeadLetter(letter, 1000);
    expect(Buffer.byteLength(JSON.stringify(stub))).toBeLessThanOrEqual(1000);
    expect(stub).toMatchObject({ key: null, value: null, truncated: true, valueBytes: 5000, offset: '41', sourceTopic: 'orders' });
    expect(stub.detail).toContain('did not fit in 1000 bytes');
    expect(deadLetterSchema.parse(stub)).toEqual(stub);
  });
});
