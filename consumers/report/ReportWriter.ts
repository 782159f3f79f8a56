import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { ConfigError, type Logger, type TaskContext } from '../../pipeline/index.js';
import { csvLine } from './csv.js';
import { fileLength, GzipMemberFile } from './GzipMemberFile.js';
import { ReportCheckpoints, type Checkpoint } from './ReportCheckpoints.js';
import type { ReportConnection, ReportDatabase } from './ReportDatabase.js';
import type { ReportDefinition, ReportRegistry, ReportRequest } from './ReportDefinition.js';
import { ReportBusyError } from './reportErrors.js';
import { reportFiles, type ReportFiles } from './reportFiles.js';
import { countQuery, rowsQuery } from './reportQuery.js';

export interface ReportWriterOptions {
  /** Where reports go (`<dir>/<report>/<customer>/<period>-<requestedAt>.csv.gz`). */
  readonly dir: string;
  /** Rows per chunk: per read from the cursor, per gzip member, per checkpoint (default 10,000). */
  readonly chunkRows?: number;
  /** gzip level, 1 (fast) to 9 (small) (default 6, gzip's own). */
  readonly gzipLevel?: number;
  /** How long a run waits for another run of the same report to let go before it is retried (default 5 s). */
  readonly lockWaitMs?: number;
}

/** What one run did; logged when it ends, so an operator sees what a resume saved and what checkpoints cost. */
interface RunStats {
  resumedFromRow: number;
  rowsRead: number;
  chunks: number;
  checkpointMs: number;
}

/**
 * Writes one report: rows from a server-side cursor, a chunk at a time, each chunk a gzip member appended to
 * the partial file and then a checkpoint; when all are written the file is renamed to its final name. A run
 * that finds a checkpoint continues after it, so an attempt cut short (a kill, a timeout, a lost partition)
 * costs at most one chunk; a report already finished is not written again.
 */
export class ReportWriter {
  private readonly chunkRows: number;
  private readonly gzipLevel: number;
  private readonly lockWaitMs: number;
  private tableReady: Promise<void> | undefined;

  constructor(
    private readonly db: ReportDatabase,
    private readonly reports: ReportRegistry,
    private readonly options: ReportWriterOptions,
  ) {
    this.chunkRows = options.chunkRows ?? 10_000;
    this.gzipLevel = options.gzipLevel ?? 6;
    this.lockWaitMs = options.lockWaitMs ?? 5000;
    if (!Number.isInteger(this.chunkRows) || this.chunkRows < 1) {
      throw new ConfigError(`generate-report: chunkRows must be a positive integer, got ${options.chunkRows}`);
    }
    if (!Number.isInteger(this.gzipLevel) || this.gzipLevel < 1 || this.gzipLevel > 9) {
      throw new ConfigError(`generate-report: gzipLevel must be 1 to 9, got ${options.gzipLevel}`);
    }
  }

  async write(request: ReportRequest, ctx: TaskContext): Promise<void> {
    const definition = this.reports.get(request.report);
    const files = reportFiles(this.options.dir, request);
    const log = ctx.log.child({ report: files.key });
    const conn = await this.db.connect(definition.name);
    let clean = false;
    try {
      await this.ensureTable(conn);
      const checkpoints = new ReportCheckpoints(conn);
      if (!(await checkpoints.lock(files.key, this.lockWaitMs, ctx.signal))) {
        throw new ReportBusyError(files.key, this.lockWaitMs);
      }
      await this.writeLocked(definition, request, files, checkpoints, ctx, log);
      // Unlocking is only worth a round trip on a connection going back to the pool; a closed one lets go anyway.
      await checkpoints.unlock(files.key);
      clean = true;
    } finally {
      conn.release(!clean);
    }
  }

  private ensureTable(conn: ReportConnection): Promise<void> {
    this.tableReady ??= ReportCheckpoints.ensureTable(conn).catch((err: unknown) => {
      this.tableReady = undefined;
      throw err;
    });
    return this.tableReady;
  }

  private async writeLocked(
    definition: ReportDefinition,
    request: ReportRequest,
    files: ReportFiles,
    checkpoints: ReportCheckpoints,
    ctx: TaskContext,
    log: Logger,
  ): Promise<void> {
    let at = await checkpoints.load(files.key);
    if (at?.finished) {
      if ((await fileLength(files.final)) >= 0) {
        log.info({ file: files.final, rows: at.rowsDone }, 'report already written: nothing to do');
        return;
      }
      // Finished, then killed before the rename: the partial file is the whole report.
      if ((await fileLength(files.partial)) === at.bytes) return publish(files, at, log);
      log.warn({ file: files.final }, 'the finished report file is gone: writing it again');
      at = undefined;
    }
    if (at !== undefined && (await fileLength(files.partial)) < at.bytes) {
      // The file is not where the checkpoint was taken: a disk that lost it, or another machine's disk.
      log.warn(
        { file: files.partial, checkpointBytes: at.bytes },
        'partial report shorter than its checkpoint: starting over',
      );
      at = undefined;
    }
    const reader = await this.db.connect(definition.name);
    let clean = false;
    try {
      // One snapshot for the count and the rows, so the total a new report shows is the rows it will write.
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const stats: RunStats = { resumedFromRow: at?.rowsDone ?? 0, rowsRead: 0, chunks: 0, checkpointMs: 0 };
      if (at === undefined) {
        at = await this.begin(definition, request, files, reader, checkpoints, ctx.taskId);
      } else {
        log.info(
          { fromRow: at.rowsDone, of: at.rowsTotal, afterKey: at.lastKey },
          'report resumed from its checkpoint',
        );
      }
      ctx.progress(at.rowsDone, at.rowsTotal);
      const started = performance.now();
      at = await this.copyRows(definition, request, files, at, reader, checkpoints, ctx, stats);
      await reader.query('COMMIT');
      clean = true;
      at = { ...at, finished: true };
      await checkpoints.save(files.key, at, ctx.taskId);
      log.info(
        { ...stats, rows: at.rowsDone, bytes: at.bytes, ms: Math.round(performance.now() - started) },
        'report rows written',
      );
      await publish(files, at, log);
    } finally {
      reader.release(!clean);
    }
  }

  /** A new report: its total counted, an empty file with the CSV header, and a checkpoint saying so. */
  private async begin(
    definition: ReportDefinition,
    request: ReportRequest,
    files: ReportFiles,
    reader: ReportConnection,
    checkpoints: ReportCheckpoints,
    taskId: string,
  ): Promise<Checkpoint> {
    const count = countQuery(definition, request);
    const [row] = await reader.query<{ n: string }>(count.text, count.values);
    const started = await checkpoints.begin(files.key, Number(row?.n ?? 0), taskId);
    const out = await GzipMemberFile.openAt(files.partial, 0, this.gzipLevel);
    try {
      await out.append(csvLine(definition.columns));
      await out.sync();
    } finally {
      await out.close();
    }
    const at = { ...started, bytes: out.bytes };
    await checkpoints.save(files.key, at, taskId);
    return at;
  }

  private async copyRows(
    definition: ReportDefinition,
    request: ReportRequest,
    files: ReportFiles,
    from: Checkpoint,
    reader: ReportConnection,
    checkpoints: ReportCheckpoints,
    ctx: TaskContext,
    stats: RunStats,
  ): Promise<Checkpoint> {
    const sql = rowsQuery(definition, request, from.lastKey);
    const cursor = reader.cursor(sql.text, sql.values);
    const keyAt = definition.columns.indexOf(definition.key);
    const out = await GzipMemberFile.openAt(files.partial, from.bytes, this.gzipLevel);
    let at = from;
    let next = cursor.read(this.chunkRows);
    try {
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        // The next chunk travels from the database while this one is compressed and written.
        next = rows.length < this.chunkRows ? Promise.resolve([]) : cursor.read(this.chunkRows);
        next.catch(() => undefined);
        ctx.signal.throwIfAborted();
        let text = '';
        for (const row of rows) text += csvLine(row);
        await out.append(text);
        const t0 = performance.now();
        await out.sync();
        const lastKey = rows[rows.length - 1]?.[keyAt] ?? null;
        at = { ...at, lastKey, rowsDone: at.rowsDone + rows.length, bytes: out.bytes };
        await checkpoints.save(files.key, at, ctx.taskId);
        stats.checkpointMs += performance.now() - t0;
        stats.rowsRead += rows.length;
        stats.chunks++;
        ctx.heartbeat();
        ctx.progress(at.rowsDone, Math.max(at.rowsTotal, at.rowsDone));
      }
      await cursor.close();
    } finally {
      await next.catch(() => undefined);
      await out.close();
    }
    return at;
  }
}

/** Gives the finished file its final name: it appears whole, never half written. */
async function publish(files: ReportFiles, at: Checkpoint, log: Logger): Promise<void> {
  await fs.rename(files.partial, files.final);
  log.info({ file: files.final, rows: at.rowsDone, bytes: at.bytes }, 'report written');
}
