// The product schema carried in enriched order items and cached by the enricher.
import { z } from 'zod';

/** A product as carried in an enriched order item (and as the enricher caches it). */
export const productSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  image: z.string(),
  price: z.number(),
});
export type Product = z.infer<typeof productSchema>;
