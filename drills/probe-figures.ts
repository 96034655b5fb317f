// The cluster drills' probe records turned into figures: an API gap (requests sent, no good answer)
// told apart from prober lateness (the prober itself sent nothing), and the Pinot sample's answers.

/** One probe turn: the API instances asked in turn until one answered 200. Times are epoch ms. */
export interface ProbeTurn {
  /** When the turn was due: the previous turn's end plus the probe interval. */
  dueAt: number;
  /** When its first request was sent. */
  sentAt: number;
  /** When its last request was answered or gave up. */
  endedAt: number;
  /** Requests sent (one per instance tried), and those answered with an error or not at all. */
  requests: number;
  errors: number;
  ok: boolean;
}

/** One answer of the Pinot completeness sample, once the sample was complete. */
export interface SampleAnswer {
  at: number;
  /** Distinct sample orders counted, or null when the query failed. */
  count: number | null;
  /** The failure, when the query failed. */
  error?: string;
  /** Pinot's own figures of the answer, when it answered. */
  serversQueried?: number;
  serversResponded?: number;
}

export interface ApiFigures {
  requests: number;
  errors: number;
  /**
   * Longest time a client asking got no good answer: from the first request of a run of failed
   * turns to the next 200, or one successful turn's own duration (when longer).
   */
  longestGapMs: number;
  /** When that gap began (epoch ms). */
  longestGapAt: number;
  /** Most the prober was late sending a turn within that gap (a starved prober's share of it). */
  gapLatenessMs: number;
  /** Longest time between two 200s, prober silence included (the figure the drills used to report). */
  longestSilenceMs: number;
  /** Most the prober was late sending any turn, and the turns sent. */
  maxLatenessMs: number;
  turns: number;
}

export interface SampleFigures {
  queries: number;
  /** Answers that counted fewer sample orders than there are, with no error: silently wrong. */
  incomplete: number;
  /** Queries that failed (Pinot's exceptions, timeouts, no broker). */
  errors: number;
  /** Answers with fewer servers responding than queried. */
  partialServers: number;
  /** The first failure's message, for the note. */
  firstError: string | undefined;
}

/** The API figures of `turns` (in the order sent), the probe stopped at `stoppedAt`. */
export function apiFigures(turns: readonly ProbeTurn[], stoppedAt: number): ApiFigures {
  const f: ApiFigures = { requests: 0, errors: 0, longestGapMs: 0, longestGapAt: 0, gapLatenessMs: 0, longestSilenceMs: 0, maxLatenessMs: 0, turns: turns.length };
  const lateness = (t: ProbeTurn) => Math.max(0, t.sentAt - t.dueAt);
  const gap = (from: number, to: number) => {
    if (to - from <= f.longestGapMs) return;
    f.longestGapMs = to - from;
    f.longestGapAt = from;
    f.gapLatenessMs = Math.max(0, ...turns.filter((t) => t.sentAt > from && t.sentAt <= to).map(lateness));
  };
  let failedSince: number | undefined;
  let lastOk = turns[0]?.sentAt;
  for (const t of turns) {
    f.requests += t.requests;
    f.errors += t.errors;
    f.maxLatenessMs = Math.max(f.maxLatenessMs, lateness(t));
    if (!t.ok) {
      failedSince ??= t.sentAt;
      continue;
    }
    gap(failedSince ?? t.sentAt, t.endedAt);
    failedSince = undefined;
    if (lastOk !== undefined) f.longestSilenceMs = Math.max(f.longestSilenceMs, t.endedAt - lastOk);
    lastOk = t.endedAt;
  }
  if (failedSince !== undefined) gap(failedSince, stoppedAt);
  if (lastOk !== undefined) f.longestSilenceMs = Math.max(f.longestSilenceMs, stoppedAt - lastOk);
  return f;
}

/** The sample figures of `answers` against a sample of `size` orders. */
export function sampleFigures(answers: readonly SampleAnswer[], size: number): SampleFigures {
  return {
    queries: answers.length,
    incomplete: answers.filter((a) => a.count !== null && a.count < size).length,
    errors: answers.filter((a) => a.count === null).length,
    partialServers: answers.filter((a) => a.serversQueried !== undefined && (a.serversResponded ?? 0) < a.serversQueried).length,
    firstError: answers.find((a) => a.error !== undefined)?.error,
  };
}
