import type { ReportConnection } from './ReportDatabase.js';

/** Where a report got to, as its last checkpoint says. */
export interface Checkpoint {
  /** The key of the last row written; null before the first chunk. */
  readonly lastKey: string | null;
  readonly rowsDone: number;
  /** Length of the partial file at this checkpoint: whole gzip members only. */
  readonly bytes: number;
  /** The rows the report has, counted when it started (progress shows rowsDone of it). */
  readonly rowsTotal: number;
  readonly finished: boolean;
}

export const CHECKPOINT_TABLE = 'taskstream_report_checkpoints';

/** Created on first use; a DBA may create it beforehand with this statement instead. */
export const CHECKPOINT_DDL = `CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (
  report_key  text        PRIMARY KEY,
  last_key    text,
  rows_done   bigint      NOT NULL,
  bytes       bigint      NOT NULL,
  rows_total  bigint      NOT NULL,
  finished_at timestamptz,
  task_id     text        NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
)`;

interface CheckpointRow {
  last_key: string | null;
  rows_done: string;
  bytes: string;
  rows_total: string;
  finished_at: Date | null;
}

/**
 * The checkpoints of reports, one row per report in PostgreSQL, next to the data they describe: durable (a
 * committed checkpoint survives any crash), and written on the connection that holds the report's lock, so
 * only the run that holds it can move one. Keyed by the report (its file), not the task: two tasks asking
 * for the same report share its progress and its finished file.
 */
export class ReportCheckpoints {
  constructor(private readonly db: ReportConnection) {}

  static async ensureTable(db: ReportConnection): Promise<void> {
    try {
      await db.query(CHECKPOINT_DDL);
    } catch (err) {
      // Two workers creating it at once: one of them meets the other's new row type. The table is there.
      const code = ((err as Error).cause as { code?: unknown } | undefined)?.code;
      if (code !== '23505' && code !== '42P07') throw err;
    }
  }

  /**
   * Takes the report's session lock, asking until `waitMs` passed. It is released when this connection ends, so
   * a killed worker's lock goes with its connection and the next owner gets it at once.
   */
  async lock(reportKey: string, waitMs: number, signal: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const [row] = await this.db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [
        reportKey,
      ]);
      if (row?.ok) return true;
      if (Date.now() >= deadline || signal.aborted) return false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async unlock(reportKey: string): Promise<void> {
    await this.db.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [reportKey]);
  }

  async load(reportKey: string): Promise<Checkpoint | undefined> {
    const [row] = await this.db.query<CheckpointRow>(
      `SELECT last_key, rows_done, bytes, rows_total, finished_at FROM ${CHECKPOINT_TABLE} WHERE report_key = $1`,
      [reportKey],
    );
    if (row === undefined) return undefined;
    return {
      lastKey: row.last_key,
      rowsDone: Number(row.rows_done),
      bytes: Number(row.bytes),
      rowsTotal: Number(row.rows_total),
      finished: row.finished_at !== null,
    };
  }

  /** Starts the report (again) from nothing: no rows, an empty file. */
  async begin(reportKey: string, rowsTotal: number, taskId: string): Promise<Checkpoint> {
    await this.db.query(
      `INSERT INTO ${CHECKPOINT_TABLE} (report_key, last_key, rows_done, bytes, rows_total, task_id)
       VALUES ($1, NULL, 0, 0, $2, $3)
       ON CONFLICT (report_key) DO UPDATE SET last_key = NULL, rows_done = 0, bytes = 0, rows_total = $2,
         finished_at = NULL, task_id = $3, updated_at = now()`,
      [reportKey, rowsTotal, taskId],
    );
    return { lastKey: null, rowsDone: 0, bytes: 0, rowsTotal, finished: false };
  }

  async save(reportKey: string, at: Checkpoint, taskId: string): Promise<void> {
    await this.db.query(
      `UPDATE ${CHECKPOINT_TABLE} SET last_key = $2, rows_done = $3, bytes = $4, finished_at = $5, task_id = $6,
         updated_at = now() WHERE report_key = $1`,
      [reportKey, at.lastKey, at.rowsDone, at.bytes, at.finished ? new Date() : null, taskId],
    );
  }
}
