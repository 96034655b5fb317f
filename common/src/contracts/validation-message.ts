// The one way zod issues become text: config errors, dead-letter reasons, HTTP 400 messages and
// fields, and the dashboard's contract failures all use it. Imports only zod's types, so the
// browser bundle can use it too (`@pizzashop/common/validation-message`).
import type { z } from 'zod';

/** One problem: the field's dotted path (empty when the value itself is wrong) and zod's message. */
export interface IssueField {
  path: string;
  message: string;
}

/** Each problem as a field and its message: `{ path: 'items.0.quantity', message: 'Too small: ...' }`. */
export function issueFields(error: z.ZodError): IssueField[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** One line per problem, each naming the field (`root` when the value itself is wrong). */
export function issueLines(error: z.ZodError, root = '(root)'): string[] {
  return issueFields(error).map((f) => `${f.path === '' ? root : f.path}: ${f.message}`);
}

/** The problems on one line: `items.0.quantity: Too small: expected number to be >0; ...`. */
export function describeIssues(error: z.ZodError, root = '(root)'): string {
  return issueLines(error, root).join('; ');
}
