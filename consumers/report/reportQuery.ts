import type { ReportDefinition, ReportRequest } from './ReportDefinition.js';

export interface Sql {
  readonly text: string;
  readonly values: unknown[];
}

const quote = (identifier: string): string => `"${identifier}"`;
const tableOf = (d: ReportDefinition): string => d.table.split('.').map(quote).join('.');

/** The request's rows, counted: the progress total, taken once when a report starts. */
export function countQuery(d: ReportDefinition, request: ReportRequest): Sql {
  const filter = d.where?.(request);
  return {
    text: `SELECT count(*) AS n FROM ${tableOf(d)}${filter ? ` WHERE (${filter.sql})` : ''}`,
    values: [...(filter?.values ?? [])],
  };
}

/**
 * The request's rows in key order, after `afterKey` when resuming (keyset: the database seeks to the key
 * through its index rather than skipping an offset's worth of rows). The key is compared as the column's own
 * type: PostgreSQL types the parameter from the column, so a bigint key resumes after 999, not after "999".
 */
export function rowsQuery(d: ReportDefinition, request: ReportRequest, afterKey: string | null): Sql {
  const filter = d.where?.(request);
  const values = [...(filter?.values ?? [])];
  const conditions = filter ? [`(${filter.sql})`] : [];
  if (afterKey !== null) {
    values.push(afterKey);
    conditions.push(`${quote(d.key)} > $${values.length}`);
  }
  return {
    text:
      `SELECT ${d.columns.map(quote).join(', ')} FROM ${tableOf(d)}` +
      (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
      ` ORDER BY ${quote(d.key)}`,
    values,
  };
}
