// The timestamp schema every contract uses: ISO-8601 with a zone, normalised to UTC with milliseconds.
import { z } from 'zod';

/**
 * An ISO-8601 timestamp with a zone (Z or ±hh:mm), normalised to UTC in
 * `Date.prototype.toISOString()` form (`2026-11-25T13:37:00.123Z`): Pinot parses it with
 * `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, so every timestamp we publish has milliseconds and `Z`. At most 64
 * characters (any fraction of a second beyond milliseconds is dropped anyway).
 */
export const isoUtcTimestampSchema = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a zone, e.g. 2026-11-25T13:37:00.123Z' })
  .max(64, 'must be at most 64 characters')
  .transform((s) => new Date(s).toISOString());
