// The JSON Schema of a topic contract, as registered in the schema registry and published in the
// API's OpenAPI document: generated from the zod schema, so code, registry and docs cannot drift.
import { z } from 'zod';
import type { TopicContract } from '../contracts/topic-contracts.js';

export type JsonSchema = Record<string, unknown>;

/**
 * The contract as JSON Schema (draft-07, which every registry's compatibility checker reads):
 *   - input side of the zod schema: what a consumer accepts (a timestamp is a date-time string,
 *     a field with a default may be absent); transforms and refinements are not representable.
 *   - closed objects (`additionalProperties: false`) for zod's plain objects: producers parse
 *     every value with the contract before sending, which strips unknown keys, so the wire never
 *     carries others. In a closed model, BACKWARD compatibility allows adding an optional field
 *     and refuses removing a field, changing its type or adding a required one; in an open model
 *     even an added optional field counts as a narrowing (see docs/decisions.md).
 *     `z.looseObject` stays open.
 */
export function contractJsonSchema(contract: Pick<TopicContract, 'name' | 'schema'>): JsonSchema {
  const schema = z.toJSONSchema(contract.schema, {
    io: 'input',
    target: 'draft-7',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'object' && jsonSchema.additionalProperties === undefined) jsonSchema.additionalProperties = false;
    },
  }) as JsonSchema;
  return { $schema: schema.$schema, title: contract.name, ...schema };
}

/** The registry subject of a topic's values (Confluent's TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
