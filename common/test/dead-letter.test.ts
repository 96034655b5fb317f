import { describe, expect, it } from 'vitest';
import { buildDeadLetter, deadLetterSchema, deadLetterValueBytes } from '../src/index.js';

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
});
