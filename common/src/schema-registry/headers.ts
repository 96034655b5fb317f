// The Kafka header that carries a record's contract version: values stay plain JSON (Pinot and
// kcat read them as they are), the schema registry id rides beside them.
import type { IHeaders } from 'kafkajs';

export const SCHEMA_ID_HEADER = 'schema-id';

/** The schema registry id in a record's headers, or undefined when absent or not a whole number. */
export function schemaIdOf(headers: IHeaders | undefined): number | undefined {
  const raw = headers?.[SCHEMA_ID_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const text = value.toString();
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}
