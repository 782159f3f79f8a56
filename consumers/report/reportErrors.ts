/**
 * The report's own failures, each with a stable `code` and the worker's retry decision (`retriable`), as the
 * worker's RetryPolicy reads them: retriable ones go through the retry tiers, the others to the dead-letter topic
 * at once.
 */
abstract class ReportError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}

/** The payload names a report this worker has no definition for: retrying cannot teach it one. */
export class UnknownReportError extends ReportError {
  readonly code = 'REPORT_UNKNOWN';
  readonly retriable = false;

  constructor(
    readonly report: string,
    known: readonly string[],
  ) {
    super(`no report named "${report}" is defined on this worker (known: ${known.join(', ') || 'none'})`);
  }
}

/** PostgreSQL did not answer, dropped the connection, or is starting or shutting down: try again later. */
export class ReportDatabaseUnavailableError extends ReportError {
  readonly code = 'REPORT_DB_UNAVAILABLE';
  readonly retriable = true;

  constructor(
    readonly address: string,
    reason: string,
    cause?: unknown,
  ) {
    super(
      `PostgreSQL at ${address} is not available (${reason}); is it running? set DATABASE_URL or PGHOST/PGPORT`,
      cause,
    );
  }
}

/**
 * PostgreSQL refused the report's query for a reason the next attempt would meet again: a missing table or
 * column, no privilege. The definition or the database needs fixing; `taskstream dlq replay` runs it again then.
 */
export class ReportQueryError extends ReportError {
  readonly code = 'REPORT_QUERY_REFUSED';
  readonly retriable = false;

  constructor(report: string, address: string, reason: string, cause?: unknown) {
    super(`PostgreSQL at ${address} refused the query of report "${report}": ${reason}`, cause);
  }
}

/** Another run holds the report's lock (a worker still finishing it): this one waits its turn in a retry tier. */
export class ReportBusyError extends ReportError {
  readonly code = 'REPORT_BUSY';
  readonly retriable = true;

  constructor(reportKey: string, waitedMs: number) {
    super(`report ${reportKey} is being written by another run (its lock was still held after ${waitedMs} ms)`);
  }
}

/** A definition that cannot be safely turned into SQL; raised when the definition is made, not per task. */
export class ReportDefinitionError extends ReportError {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;
}
