// The one way zod issues become text: config errors, dead-letter reasons and HTTP 400 messages all use it.
import type { z } from 'zod';

/** One line per problem, each naming the field (`root` when the value itself is wrong). */
export function issueLines(error: z.ZodError, root = '(root)'): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : root}: ${i.message}`);
}

/** The problems on one line: `items.0.quantity: Too small: expected number to be >0; ...`. */
export function describeIssues(error: z.ZodError, root = '(root)'): string {
  return issueLines(error, root).join('; ');
}
