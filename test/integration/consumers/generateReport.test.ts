// Guarantee: the shipped generate-report handler streams a PostgreSQL query into a gzip CSV with a checkpoint per chunk: a worker killed mid-report is resumed by the next owner from its checkpoint and the file holds every row exactly once; a finished report is not written again; an unknown report is dead-lettered at once; an unreachable PostgreSQL is retried.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, defineTask, TaskProducer, type WorkerEvents } from '../../../pipeline/index.js';
import { defineReport, ReportRegistry } from '../../../consumers/report/ReportDefinition.js';
import { ReportDatabase, type ReportConnection } from '../../../consumers/report/ReportDatabase.js';
import { ReportWriter } from '../../../consumers/report/ReportWriter.js';
import { generateReportHandler } from '../../../consumers/report/generateReportHandler.js';
import { postgresFromEnv } from '../../../consumers/report/postgresFromEnv.js';
import { CHECKPOINT_TABLE } from '../../../consumers/report/ReportCheckpoints.js';
import { generateReportSchema } from '../../../schemas/generated/generate-report.js';
import { generateReport } from '../../../schemas/tasks.js';
import { startChildWorker } from '../../support/childWorker.js';
import { summariseGzipCsv } from '../../support/gzipCsv.js';
import { expectedCsv, postgresClient, rowsTable } from '../../support/postgres.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

/** The shipped task type under a name of its own, on one partition, retrying quickly. */
function reportTask(options: { timeoutMs?: number; maxAttempts?: number } = {}) {
  return defineTask({
    name: uniqueName('generate-report'),
    schema: generateReportSchema,
    key: generateReport.key,
    partitions: 1,
    timeoutMs: options.timeoutMs ?? 120_000,
    retry: { maxAttempts: options.maxAttempts ?? 3, minDelayMs: 200, maxDelayMs: 200 },
  });
}

function reportsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-'));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A request for the report named after `table`, and where its file ends up. */
function requestFor(table: string, dir: string) {
  const request = { report: table, customerId: 'acme', period: 'DAY' as const, requestedAt: 1_700_000_000_000 };
  return {
    request,
    key: `${table}/acme/DAY-1700000000000`,
    file: path.join(dir, table, 'acme', 'DAY-1700000000000.csv.gz'),
  };
}

/**
 * A report database that waits `ms` before handing out each chunk: a lower bound on a report's length that does
 * not depend on how fast the machine reads and writes (a fast one wrote 300 chunks inside a 1 s timeout).
 */
class SlowChunksDatabase extends ReportDatabase {
  constructor(
    target: ConstructorParameters<typeof ReportDatabase>[0],
    log: ConstructorParameters<typeof ReportDatabase>[1],
    private readonly ms: number,
  ) {
    super(target, log);
  }

  override async connect(report: string): Promise<ReportConnection> {
    const conn = await super.connect(report);
    const cursor = conn.cursor.bind(conn);
    conn.cursor = (text, values) => {
      const c = cursor(text, values);
      return {
        read: async (n) => {
          await new Promise((resolve) => setTimeout(resolve, this.ms));
          return c.read(n);
        },
        close: () => c.close(),
      };
    };
    return conn;
  }
}

/** An in-process worker running the handler over `table` against `databaseUrl`, its outcomes collected. */
async function startReportWorker(
  task: ReturnType<typeof reportTask>,
  table: string,
  dir: string,
  { databaseUrl = process.env.DATABASE_URL ?? '', chunkRows = 100, msPerChunk = 0 } = {},
) {
  const log = createLogger();
  const target = postgresFromEnv({ DATABASE_URL: databaseUrl });
  const db = msPerChunk > 0 ? new SlowChunksDatabase(target, log, msPerChunk) : new ReportDatabase(target, log);
  // Registered before the worker's own cleanup, so it runs after the worker has stopped.
  onCleanup(() => db.close());
  const reports = new ReportRegistry([defineReport({ name: table, table, columns: ['id', 'note'], key: 'id' })]);
  const writer = new ReportWriter(db, reports, { dir, chunkRows });
  const completed: WorkerEvents['task:completed'][] = [];
  const retrying: WorkerEvents['task:retrying'][] = [];
  const dead: WorkerEvents['task:dead-lettered'][] = [];
  await startWorker({ handlers: [generateReportHandler(writer, task)] }, (w) => {
    w.on('task:completed', (e) => completed.push(e));
    w.on('task:retrying', (e) => retrying.push(e));
    w.on('task:dead-lettered', (e) => dead.push(e));
  });
  return { completed, retrying, dead };
}

/** A table of `rows` rows, a worker reporting on it, and a producer: what the in-process tests start from. */
async function reportScenario(rows: number) {
  const db = await postgresClient();
  const table = await rowsTable(db, rows);
  const task = reportTask();
  const dir = reportsDir();
  const worker = await startReportWorker(task, table, dir);
  const producer = await using(new TaskProducer());
  return { db, table, task, worker, producer, ...requestFor(table, dir) };
}

interface LogLine {
  readonly msg: string;
  readonly [field: string]: unknown;
}

function logLines(file: string): LogLine[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
}

describe('generate-report from PostgreSQL', () => {
  it('resumes a report whose worker was SIGKILLed from its checkpoint, and the file holds every one of 1,000,000 rows once', async () => {
    const db = await postgresClient();
    const table = await rowsTable(db, 1_000_000);
    const task = reportTask();
    const dir = reportsDir();
    const { request, key, file } = requestFor(table, dir);
    const rowsDone = async (): Promise<number> => {
      // On a fresh database the table is made by the worker's first report: until then, nothing is done.
      const exists = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
        CHECKPOINT_TABLE,
      ]);
      if (exists.rows[0]?.present !== true) return 0;
      const r = await db.query<{ rows_done: string }>(
        `SELECT rows_done FROM ${CHECKPOINT_TABLE} WHERE report_key = $1`,
        [key],
      );
      return Number(r.rows[0]?.rows_done ?? 0);
    };
    const env = {
      TASK_NAME: task.name,
      GROUP_PREFIX: uniqueName('g'),
      REPORT_NAME: table,
      REPORT_TABLE: table,
      REPORTS_DIR: dir,
      CHUNK_ROWS: '10000',
    };
    const logs = { first: path.join(dir, 'first.log'), second: path.join(dir, 'second.log') };
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, request);

    const first = await startChildWorker({ ...env, LOG_FILE: logs.first }, 'reportWorkerProcess.ts');
    await waitFor('the first worker past 300,000 rows', async () => (await rowsDone()) >= 300_000);
    first.signal('SIGKILL');
    await first.exited;
    const checkpointAtKill = await rowsDone();

    await startChildWorker({ ...env, LOG_FILE: logs.second }, 'reportWorkerProcess.ts');
    await waitFor('the report written', () => fs.existsSync(file), { timeoutMs: 100_000 });

    const second = logLines(logs.second);
    expect(checkpointAtKill).toBeGreaterThan(0);
    expect(second.find((l) => l.msg === 'report resumed from its checkpoint')).toMatchObject({
      fromRow: checkpointAtKill,
    });
    const run = second.find((l) => l.msg === 'report rows written');
    expect(run).toMatchObject({ resumedFromRow: checkpointAtKill, rowsRead: 1_000_000 - checkpointAtKill });
    expect(await summariseGzipCsv(file)).toEqual({
      header: 'id,note',
      outOfOrder: 0,
      ...(await expectedCsv(db, table)),
    });
  });

  it('finishes a report longer than its timeout over several attempts, each continuing from the last checkpoint', async () => {
    const db = await postgresClient();
    const table = await rowsTable(db, 300_000);
    // Far too short for the whole report (300 chunks of at least 20 ms each, each with an fsync and a checkpoint):
    // each attempt gets some chunks done before its signal aborts it, and one that started over each time would
    // never finish.
    const task = reportTask({ timeoutMs: 1000, maxAttempts: 30 });
    const dir = reportsDir();
    const { request, file } = requestFor(table, dir);
    const worker = await startReportWorker(task, table, dir, { chunkRows: 1000, msPerChunk: 20 });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, request);

    await waitFor('the report done', () => worker.completed.length === 1 || worker.dead.length > 0, {
      timeoutMs: 110_000,
    });
    expect(worker.dead).toEqual([]);
    expect(worker.retrying.length).toBeGreaterThan(0);
    expect(
      worker.retrying.every((e) => e.error.name === 'HandlerTimeoutError' || e.error.name === 'ReportBusyError'),
    ).toBe(true);
    expect(await summariseGzipCsv(file)).toEqual({
      header: 'id,note',
      outOfOrder: 0,
      ...(await expectedCsv(db, table)),
    });
  });

  it('does not write a finished report again when another task asks for it', async () => {
    const { db, table, task, worker, producer, request, file } = await reportScenario(1000);
    await producer.enqueue(task, request);
    await waitFor('the first task done', () => worker.completed.length === 1);
    const written = fs.statSync(file);

    await producer.enqueue(task, request);
    await waitFor('the second task done', () => worker.completed.length === 2);
    const after = fs.statSync(file);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([written.ino, written.mtimeMs, written.size]);
    expect(await summariseGzipCsv(file)).toEqual({
      header: 'id,note',
      outOfOrder: 0,
      ...(await expectedCsv(db, table)),
    });
  });

  it('dead-letters a task naming a report the worker does not define at once, naming the reports it knows', async () => {
    const { table, task, worker, producer, request } = await reportScenario(10);
    await producer.enqueue(task, { ...request, report: 'drop-tables' });

    await waitFor('the task dead-lettered', () => worker.dead.length === 1);
    expect(worker.retrying).toEqual([]);
    expect(worker.dead[0]?.attempt).toBe(1);
    expect(worker.dead[0]?.error).toMatchObject({
      code: 'REPORT_UNKNOWN',
      retriable: false,
      message: `no report named "drop-tables" is defined on this worker (known: ${table})`,
    });
  });

  it('retries a report while PostgreSQL does not answer, with an error naming its address', async () => {
    const task = reportTask();
    const dir = reportsDir();
    const worker = await startReportWorker(task, 'anything', dir, {
      databaseUrl: 'postgres://postgres@127.0.0.1:1/reports',
    });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, requestFor('anything', dir).request);

    await waitFor('a retry', () => worker.retrying.length > 0);
    expect(worker.retrying[0]?.error).toMatchObject({ code: 'REPORT_DB_UNAVAILABLE', retriable: true });
    expect(worker.retrying[0]?.error.message).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:1\/reports is not available \(ECONNREFUSED: .*\); is it running\? set DATABASE_URL or PGHOST\/PGPORT$/,
    );
  });
});
