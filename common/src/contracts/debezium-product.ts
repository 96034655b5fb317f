// The contract of the products CDC topic: Debezium change events on the products table, turned into Products.
import { z } from 'zod';
import type { Product } from './product.js';

/**
 * Unwraps the `{schema, payload}` envelope the JSON converter writes when schemas are enabled, so a
 * connector reconfigured with `schemas.enable=true` still parses; plain events pass through.
 */
function withoutSchemaEnvelope(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'payload' in value && 'schema' in value) {
    return (value as { payload: unknown }).payload;
  }
  return value;
}

/** DECIMAL columns arrive as numbers (`decimal.handling.mode=double`) or strings (`string`). */
const numericColumn = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

/**
 * A row of `pizzashop.products` as Debezium writes it. Extra columns (created_at, updated_at, or
 * one added later by ALTER TABLE) are kept but ignored.
 */
export const productRowSchema = z.looseObject({
  id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  price: numericColumn,
  image: z.string(),
});
export type ProductRow = z.infer<typeof productRowSchema>;

/** A Debezium change event on `mysql.pizzashop.products` (JSON converter, schemas disabled). */
export const productChangeEventSchema = z.preprocess(
  withoutSchemaEnvelope,
  z
    .looseObject({
      before: productRowSchema.nullable().optional(),
      after: productRowSchema.nullable().optional(),
      op: z.enum(['c', 'u', 'd', 'r']),
      /** `source.ts_ms`: when the change was made in the database (the binlog event's time). */
      source: z.looseObject({ ts_ms: z.number().optional() }).optional(),
      ts_ms: z.number().optional(),
    })
    .refine((e) => (e.op === 'd' ? e.before != null : e.after != null), {
      message: 'a delete needs `before`, a create/update/read needs `after`',
    }),
);
export type ProductChangeEvent = z.infer<typeof productChangeEventSchema>;

/** The message key Debezium writes: the primary key, `{"id":3}`. Tombstones carry only this. */
export const productKeySchema = z.preprocess(
  withoutSchemaEnvelope,
  z.looseObject({ id: z.union([z.number().int(), z.string().min(1)]) }),
);

export function productFromRow(row: ProductRow): Product {
  return {
    id: String(row.id),
    name: row.name,
    description: row.description,
    category: row.category,
    image: row.image,
    price: row.price,
  };
}
