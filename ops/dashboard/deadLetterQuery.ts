import type { DeadLetterFilter } from '../cli/dlq/deadLetters.js';
import { parseIsoDateTime } from '../cli/isoTime.js';
import { UsageError } from '../cli/UsageError.js';

/** What the page asks of a type's dead letters: `error`, `since`, `until` (ISO), as the dlq commands take them. */
export interface FilterFields {
  readonly error?: unknown;
  readonly since?: unknown;
  readonly until?: unknown;
}

/** The filter of a query string or a replay request's `filter`; empty fields are no filter. Bad values: UsageError. */
export function filterOf(fields: FilterFields): DeadLetterFilter {
  const text = (name: string, v: unknown): string | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new UsageError(`${name} must be text`);
    return v;
  };
  const error = text('error', fields.error);
  const sinceText = text('since', fields.since);
  const untilText = text('until', fields.until);
  const since = sinceText === undefined ? undefined : parseIsoDateTime('since', sinceText);
  const until = untilText === undefined ? undefined : parseIsoDateTime('until', untilText);
  if (since !== undefined && until !== undefined && since >= until) {
    throw new UsageError(`since (${sinceText}) must be before until (${untilText})`);
  }
  return {
    ...(error === undefined ? {} : { error }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

/** A replay request: exactly the given positions, or every dead letter the filter matches. */
export function replayFilterOf(body: unknown): DeadLetterFilter {
  const b = (body ?? {}) as { positions?: unknown; filter?: unknown };
  if (b.positions !== undefined) {
    if (!Array.isArray(b.positions) || b.positions.length === 0 || !b.positions.every(isPosition)) {
      throw new UsageError('positions must be a non-empty list of "<partition>:<offset>"');
    }
    return { positions: b.positions };
  }
  if (b.filter === undefined || typeof b.filter !== 'object' || b.filter === null) {
    throw new UsageError('give positions (a selection) or filter (every dead letter it matches)');
  }
  return filterOf(b.filter as FilterFields);
}

function isPosition(v: unknown): v is string {
  return typeof v === 'string' && /^\d+:\d+$/.test(v);
}
