// Unit tests of the Pinot SQL builder: quoting, numbers, whitespace, fragments and IN lists.
import { describe, expect, it } from 'vitest';
import { identifier, literal, sql, SqlFragment, sqlList, UnsafeSqlValueError } from '../src/pinot/sql.js';

describe('Pinot SQL building', () => {
  it('quotes strings and doubles embedded quotes', () => {
    expect(literal("it's")).toBe("'it''s'");
    const q = sql`SELECT * FROM orders WHERE id = ${"x' OR '1'='1"}`;
    expect(q.text).toBe("SELECT * FROM orders WHERE id = 'x'' OR ''1''=''1'");
  });

  it('renders finite numbers and rejects NaN, Infinity and NUL bytes', () => {
    expect(sql`LIMIT ${5}`.text).toBe('LIMIT 5');
    expect(() => literal(Number.NaN)).toThrow(UnsafeSqlValueError);
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow(UnsafeSqlValueError);
    expect(() => literal('a\u0000b')).toThrow(UnsafeSqlValueError);
    expect(() => literal({} as unknown as string)).toThrow(UnsafeSqlValueError);
  });

  it('collapses template whitespace but keeps literal contents intact', () => {
    const q = sql`
      SELECT a
      FROM t   WHERE b = ${'two  spaces\nline'}`;
    expect(q.text).toBe("SELECT a FROM t WHERE b = 'two  spaces\nline'");
  });

  it('composes fragments and plain identifiers only', () => {
    const where = sql`ts >= ${1000}`;
    expect(sql`SELECT COUNT(*) FROM ${identifier('orders')} WHERE ${where}`.text).toBe('SELECT COUNT(*) FROM orders WHERE ts >= 1000');
    expect(() => identifier('orders; DROP TABLE x')).toThrow(UnsafeSqlValueError);
    expect(() => identifier('"orders"')).toThrow(UnsafeSqlValueError);
  });

  it('renders IN lists of quoted literals', () => {
    expect(sql`WHERE id IN ${sqlList(['a', "b'c", 3])}`.text).toBe("WHERE id IN ('a', 'b''c', 3)");
    expect(() => sqlList([])).toThrow(UnsafeSqlValueError);
  });

  it('cannot be constructed from raw text outside the module', () => {
    expect(() => new SqlFragment(Symbol('SqlFragment'), 'SELECT 1')).toThrow(UnsafeSqlValueError);
  });
});
