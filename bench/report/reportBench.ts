/**
 * What a checkpoint costs: the shipped report writer (a gzip member, an fsync and a checkpoint row per chunk)
 * against the same report with none (plainGzipReport), on a table of `rows` rows made with generate_series.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { pino } from 'pino';
import { defineReport, ReportRegistry } from '../../consumers/report/ReportDefinition.js';
import { ReportDatabase } from '../../consumers/report/ReportDatabase.js';
import { ReportWriter } from '../../consumers/report/ReportWriter.js';
import { CHECKPOINT_TABLE } from '../../consumers/report/ReportCheckpoints.js';
import { postgresFromEnv } from '../../consumers/report/postgresFromEnv.js';
import type { TaskContext } from '../../pipeline/index.js';
import { interleavedRounds, median } from '../rounds.js';
import { plainGzipReport } from './plainGzipReport.js';

export interface ReportBenchOptions {
  readonly rows: number;
  readonly chunkRows: number;
  readonly rounds: number;
  readonly json: boolean;
}

interface Run {
  readonly ms: number;
  readonly bytes: number;
  /** Checkpoints taken and the time spent in them (fsync + the UPDATE), for the writer only. */
  readonly checkpoints: number;
  readonly checkpointMs: number;
}

export async function reportBench(options: ReportBenchOptions): Promise<void> {
  const target = postgresFromEnv();
  const admin = new pg.Client(target.config);
  await admin.connect();
  const table = `bench_report_${process.pid}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-bench-'));
  const stats: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void stats.push(JSON.parse(line)) });
  const db = new ReportDatabase(target, log);
  try {
    await admin.query(`CREATE UNLOGGED TABLE ${table} (id bigint NOT NULL, note text NOT NULL)`);
    await admin.query(`INSERT INTO ${table} SELECT i, md5(i::text) FROM generate_series(1, $1::int) i`, [options.rows]);
    await admin.query(`ALTER TABLE ${table} ADD PRIMARY KEY (id)`);
    const writer = new ReportWriter(
      db,
      new ReportRegistry([defineReport({ name: table, table, columns: ['id', 'note'], key: 'id' })]),
      { dir, chunkRows: options.chunkRows },
    );
    const contenders = [
      {
        label: `checkpointed (gzip member + fsync + checkpoint row per ${options.chunkRows} rows)`,
        checkpointed: true,
      },
      { label: 'no checkpoints (one gzip stream, no fsync)', checkpointed: false },
    ];
    let round = 0;
    const results = await interleavedRounds(contenders, options.rounds, async (c): Promise<Run> => {
      round++;
      const started = performance.now();
      if (!c.checkpointed) {
        const file = path.join(dir, `plain-${round}.csv.gz`);
        await plainGzipReport(db, table, file, options.chunkRows);
        return { ms: performance.now() - started, bytes: fs.statSync(file).size, checkpoints: 0, checkpointMs: 0 };
      }
      const request = { report: table, customerId: 'bench', period: 'DAY' as const, requestedAt: round };
      await writer.write(request, benchContext(log));
      const ms = performance.now() - started;
      const written = [...stats].reverse().find((s) => s.msg === 'report rows written') ?? {};
      return {
        ms,
        bytes: Number(written.bytes),
        checkpoints: Number(written.chunks),
        checkpointMs: Number(written.checkpointMs),
      };
    });
    print(options, contenders, results);
  } finally {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin
      .query(`DELETE FROM ${CHECKPOINT_TABLE} WHERE report_key LIKE $1`, [`${table}/%`])
      .catch(() => undefined);
    await admin.end();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function benchContext(log: pino.Logger): TaskContext {
  return {
    taskId: 'bench',
    attempt: 1,
    key: null,
    topic: 'bench',
    partition: 0,
    offset: '0',
    signal: new AbortController().signal,
    fencingToken: undefined,
    traceparent: undefined,
    heartbeat: () => undefined,
    progress: () => undefined,
    log,
  };
}

function print(options: ReportBenchOptions, contenders: readonly { label: string }[], results: Run[][]): void {
  const rows = contenders.map((c, i) => {
    const runs = results[i] ?? [];
    const ms = median(runs.map((r) => r.ms));
    const checkpoints = runs[0]?.checkpoints ?? 0;
    const checkpointMs = median(runs.map((r) => r.checkpointMs));
    return {
      contender: c.label,
      medianMs: Math.round(ms),
      rangeMs: [Math.round(Math.min(...runs.map((r) => r.ms))), Math.round(Math.max(...runs.map((r) => r.ms)))],
      rowsPerSec: Math.round(options.rows / (ms / 1000)),
      bytes: runs[0]?.bytes ?? 0,
      checkpoints,
      msPerCheckpoint: checkpoints > 0 ? Number((checkpointMs / checkpoints).toFixed(2)) : null,
    };
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ rows: options.rows, chunkRows: options.chunkRows, results: rows })}\n`);
    return;
  }
  process.stdout.write(`${options.rows} rows, ${options.rounds} rounds, median:\n`);
  for (const r of rows) {
    process.stdout.write(
      `  ${r.contender}\n    ${r.medianMs} ms (${r.rangeMs.join('-')}), ${r.rowsPerSec} rows/s, ${r.bytes} bytes` +
        (r.msPerCheckpoint === null ? '\n' : `, ${r.checkpoints} checkpoints at ${r.msPerCheckpoint} ms each\n`),
    );
  }
}
