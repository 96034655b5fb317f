// Unit tests of the zod-issue formatter that turns validation issues into readable lines.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeIssues, issueFields, issueLines } from '../src/contracts/validation-message.js';

const schema = z.object({ id: z.string(), items: z.array(z.object({ quantity: z.number().int().positive() })).min(1) });

describe('the zod-issue formatter', () => {
  const nested = schema.safeParse({ id: 7, items: [{ quantity: 0 }] }).error!;
  const root = schema.safeParse('not an object').error!;

  it('names each field by its dotted path with zod message, in the order zod reports them', () => {
    expect(issueFields(nested)).toEqual([
      { path: 'id', message: 'Invalid input: expected string, received number' },
      { path: 'items.0.quantity', message: 'Too small: expected number to be >0' },
    ]);
    expect(issueFields(root)).toEqual([{ path: '', message: 'Invalid input: expected object, received string' }]);
  });

  it('writes one line per problem and all of them on one line, labelling a wrong value itself as the root', () => {
    expect(issueLines(nested)).toEqual(['id: Invalid input: expected string, received number', 'items.0.quantity: Too small: expected number to be >0']);
    expect(describeIssues(nested)).toBe('id: Invalid input: expected string, received number; items.0.quantity: Too small: expected number to be >0');
    expect(describeIssues(root)).toBe('(root): Invalid input: expected object, received string');
    expect(describeIssues(root, 'request')).toBe('request: Invalid input: expected object, received string');
  });
});
