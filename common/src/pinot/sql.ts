/**
 * Safe construction of Pinot SQL. Statements can only be built with the `sql` tagged template, and
 * every interpolated value is rendered by `literal` (strings quoted, numbers checked), so no caller
 * can splice raw text into a query. Identifiers (table and column names) go through `identifier`.
 */
import { PizzashopError } from '../errors.js';

const constructionKey = Symbol('SqlFragment');

/** A piece of SQL whose text was produced by `sql` or `identifier` only (the constructor key is private). */
export class SqlFragment {
  readonly text: string;

  constructor(key: symbol, text: string) {
    if (key !== constructionKey) throw new UnsafeSqlValueError('SqlFragment is built with sql`...` or identifier(), not directly');
    this.text = text;
    Object.freeze(this);
  }

  toString(): string {
    return this.text;
  }
}

export type SqlValue = string | number | SqlFragment;

/** A value that cannot become SQL safely: a bug in the caller (its input is validated before), so internal. */
export class UnsafeSqlValueError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'internal' });
  }
}

/** The one place values become SQL literals: strings single-quoted with quotes doubled, numbers finite. */
export function literal(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnsafeSqlValueError(`SQL literal must be a finite number, got ${value}`);
    return String(value);
  }
  if (typeof value !== 'string') throw new UnsafeSqlValueError(`SQL literal must be a string or a number, got ${typeof value}`);
  if (value.includes('\u0000')) throw new UnsafeSqlValueError('SQL string literal must not contain NUL characters');
  return `'${value.replaceAll("'", "''")}'`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A table or column name, accepted only if it is a plain identifier (letters, digits, underscore). */
export function identifier(name: string): SqlFragment {
  if (!IDENTIFIER.test(name)) throw new UnsafeSqlValueError(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return new SqlFragment(constructionKey, name);
}

/** Tagged template: sql`SELECT COUNT(*) FROM orders WHERE id = ${id}` quotes `id` as a literal. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
  const squeeze = (part: string | undefined) => (part ?? '').replace(/\s+/g, ' ');
  let text = squeeze(strings[0]);
  values.forEach((value, i) => {
    text += (value instanceof SqlFragment ? value.text : literal(value)) + squeeze(strings[i + 1]);
  });
  return new SqlFragment(constructionKey, text.trim());
}

/** A parenthesised list of literals for IN: sql`WHERE id IN ${sqlList(ids)}`. */
export function sqlList(values: ReadonlyArray<string | number>): SqlFragment {
  if (values.length === 0) throw new UnsafeSqlValueError('an SQL IN list needs at least one value');
  return new SqlFragment(constructionKey, `(${values.map(literal).join(', ')})`);
}
