import { describe, expect, it } from 'vitest';
import { csvLine } from '../../consumers/report/csv.js';
import { defineReport } from '../../consumers/report/ReportDefinition.js';
import { countQuery, rowsQuery } from '../../consumers/report/reportQuery.js';
import { customerOrders } from '../../consumers/report/shippedReports.js';

const request = {
  report: 'customer-orders',
  customerId: 'acme',
  period: 'WEEK' as const,
  requestedAt: Date.UTC(2026, 0, 8),
};
const plain = defineReport({ name: 'all-rows', table: 'sales.rows', columns: ['id', 'note'], key: 'id' });

describe('report SQL', () => {
  it('selects the definition columns in key order, with the filter as parameters', () => {
    expect(rowsQuery(customerOrders, request, null)).toEqual({
      text:
        'SELECT "id", "placed_at", "status", "total_cents", "currency" FROM "orders" WHERE ' +
        '(customer_id = $1 AND placed_at >= $2::timestamptz - $3::interval AND placed_at < $2::timestamptz) ORDER BY "id"',
      values: ['acme', '2026-01-08T00:00:00.000Z', '7 days'],
    });
  });

  it('resumes after the checkpointed key with one more parameter', () => {
    const sql = rowsQuery(customerOrders, request, '41999');
    expect(sql.text).toMatch(/ AND "id" > \$4 ORDER BY "id"$/);
    expect(sql.values).toEqual(['acme', '2026-01-08T00:00:00.000Z', '7 days', '41999']);
  });

  it('reads every row of a definition without a filter, quoting a schema-qualified table', () => {
    expect(rowsQuery(plain, request, '7')).toEqual({
      text: 'SELECT "id", "note" FROM "sales"."rows" WHERE "id" > $1 ORDER BY "id"',
      values: ['7'],
    });
    expect(countQuery(plain, request)).toEqual({ text: 'SELECT count(*) AS n FROM "sales"."rows"', values: [] });
  });

  it('counts with the same filter as the rows', () => {
    expect(countQuery(customerOrders, request).text).toBe(
      'SELECT count(*) AS n FROM "orders" WHERE (customer_id = $1 AND placed_at >= $2::timestamptz - $3::interval AND placed_at < $2::timestamptz)',
    );
  });
});

describe('report definitions', () => {
  const valid = { name: 'r', table: 'orders', columns: ['id'], key: 'id' };

  it.each([
    [
      { ...valid, table: 'orders; DROP TABLE orders' },
      'report "r": table "orders; DROP TABLE orders" is not a plain [schema.]name',
    ],
    [{ ...valid, table: 'a.b.c' }, 'report "r": table "a.b.c" is not a plain [schema.]name'],
    [{ ...valid, columns: ['id', 'sum(total)'] }, 'report "r": column "sum(total)" is not a plain column name'],
    [{ ...valid, columns: [] }, 'report "r": it names no columns'],
    [{ ...valid, key: 'placed_at' }, 'report "r": its key "placed_at" is not one of its columns'],
    [{ ...valid, name: 'a/b' }, `report "a/b": its name may hold only letters, digits, '.', '_' and '-'`],
  ])('refuses a definition that is not plain names: %j', (definition, message) => {
    expect(() => defineReport(definition)).toThrow(message);
  });
});

describe('CSV lines', () => {
  it('writes plain values as they are and null as an empty field', () => {
    expect(csvLine(['1', null, 'x'])).toBe('1,,x\n');
  });

  it('quotes values with a comma, quote or line break, doubling quotes', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 'cr\r'])).toBe('"a,b","say ""hi""","two\nlines","cr\r"\n');
  });
});
