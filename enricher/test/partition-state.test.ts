// Unit tests of an orders partition's life cycle: assigned, restoring, ready, revoked.
import { describe, expect, it } from 'vitest';
import { IllegalTransition, Partitions } from '../src/partition-state.js';

describe('orders partition life cycle', () => {
  it('goes assigned -> restoring -> ready -> revoked -> assigned, with a new epoch at each assignment', () => {
    const partitions = new Partitions();
    const p = partitions.assign(2);
    expect([p.phase, p.epoch, p.ready]).toEqual(['assigned', 0, false]);
    p.moveTo('restoring');
    p.moveTo('ready');
    expect(p.ready).toBe(true);
    expect(partitions.ready()).toEqual([p]);
    p.moveTo('revoked');
    expect(partitions.owned()).toEqual(new Set());
    expect(partitions.assign(2)).toBe(p);
    expect([p.phase, p.epoch]).toEqual(['assigned', 1]);
    expect(partitions.owned()).toEqual(new Set([2]));
  });

  it('rejects transitions the life cycle does not have', () => {
    const p = new Partitions().assign(0);
    expect(() => p.moveTo('ready')).toThrow(IllegalTransition);
    p.moveTo('restoring');
    expect(() => p.moveTo('restoring')).toThrow(/restoring -> restoring/);
    p.moveTo('ready');
    expect(() => p.moveTo('restoring')).toThrow(IllegalTransition);
    p.moveTo('revoked');
    expect(() => p.moveTo('ready')).toThrow(IllegalTransition);
    expect(() => p.moveTo('revoked')).toThrow(IllegalTransition);
  });

  it('lets a failed ready partition be opened again (a new epoch) or revoked', () => {
    const p = new Partitions().assign(1);
    p.moveTo('restoring');
    p.moveTo('ready');
    p.moveTo('assigned');
    expect(p.epoch).toBe(1);
    p.moveTo('revoked');
    expect(p.phase).toBe('revoked');
  });
});
