import pg from 'pg';
import { ReportDatabaseUnavailableError, ReportQueryError } from './reportErrors.js';

/**
 * SQLSTATE classes a later attempt can get past: connection exceptions (08), operator intervention such as
 * a shutdown or a server still starting (57), insufficient resources (53), transaction rollbacks such as a
 * serialization failure or deadlock (40), and system errors (58). The rest (42: a missing table or column, no
 * privilege; 22: bad data; …) would fail the same way on every attempt.
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * What a failed database call means for the task. Errors without a SQLSTATE (refused, reset or timed-out
 * connections, DNS, pg's own "Connection terminated") mean the database was not reachable: retriable.
 */
export function classifyPostgresFailure(err: unknown, report: string, address: string): Error {
  if (err instanceof ReportDatabaseUnavailableError || err instanceof ReportQueryError) return err;
  // Only the server's answers carry a SQLSTATE; a Node error's code (EPIPE) may look like one.
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? '';
    if (!TRANSIENT_CLASSES.has(code.slice(0, 2))) {
      return new ReportQueryError(report, address, `${err.message} (SQLSTATE ${code})`, err);
    }
    return new ReportDatabaseUnavailableError(address, `${err.message} (SQLSTATE ${code})`, err);
  }
  const fields = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const message = typeof fields.message === 'string' && fields.message !== '' ? fields.message : String(err);
  const code = typeof fields.code === 'string' ? `${fields.code}: ` : '';
  return new ReportDatabaseUnavailableError(address, `${code}${message}`, err);
}
