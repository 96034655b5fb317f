import type { z } from 'zod';

/** One line per problem, each naming the field: `items.0.quantity: Too small: expected number to be >0`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
