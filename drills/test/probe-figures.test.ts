// Unit tests of the API probe figures: gaps, errors and sample timing.
import { describe, expect, it } from 'vitest';
import { apiFigures, sampleFigures, type ProbeTurn } from '../probe-figures.js';

/** A turn sent `late` ms after it was due at `at`, taking `ms`. */
const turn = (at: number, ok: boolean, ms = 10, late = 0): ProbeTurn => ({ dueAt: at, sentAt: at + late, endedAt: at + late + ms, requests: ok ? 1 : 2, errors: ok ? 0 : 2, ok });

describe('apiFigures', () => {
  it('measures an API gap from the first failed request to the next 200', () => {
    const f = apiFigures([turn(0, true), turn(250, false), turn(500, false), turn(750, true)], 1000);
    expect(f.longestGapMs).toBe(510);
    expect(f.longestGapAt).toBe(250);
    expect([f.requests, f.errors, f.turns]).toEqual([6, 4, 4]);
  });

  it('does not count a prober that sent nothing as an API gap, but reports its lateness and the silence', () => {
    const f = apiFigures([turn(0, true), turn(250, true, 10, 9000), turn(9500, true)], 9600);
    expect(f.longestGapMs).toBe(10);
    expect(f.maxLatenessMs).toBe(9000);
    expect(f.longestSilenceMs).toBe(9250);
  });

  it('reports the prober lateness within the longest gap, and a gap still open when the probe stopped', () => {
    const f = apiFigures([turn(0, true), turn(250, false), turn(500, false, 10, 3000)], 6000);
    expect(f.longestGapMs).toBe(5750);
    expect(f.gapLatenessMs).toBe(3000);
  });

  it('counts one slow successful answer as a wait', () => {
    expect(apiFigures([turn(0, true, 7000), turn(7250, true)], 7300).longestGapMs).toBe(7000);
  });
});

describe('sampleFigures', () => {
  it('tells silently incomplete answers from failed queries and partial server answers', () => {
    const f = sampleFigures(
      [
        { at: 1, count: 200, serversQueried: 2, serversResponded: 2 },
        { at: 2, count: 150, serversQueried: 2, serversResponded: 1 },
        { at: 3, count: null, error: 'Pinot could not answer (427)' },
      ],
      200,
    );
    expect(f).toEqual({ queries: 3, incomplete: 1, errors: 1, partialServers: 1, firstError: 'Pinot could not answer (427)' });
  });
});
