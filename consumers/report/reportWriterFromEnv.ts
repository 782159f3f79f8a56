import path from 'node:path';
import type { Logger } from '../../pipeline/index.js';
import { ReportRegistry, type ReportDefinition } from './ReportDefinition.js';
import { ReportDatabase } from './ReportDatabase.js';
import { ReportWriter } from './ReportWriter.js';
import { postgresFromEnv } from './postgresFromEnv.js';
import { shippedReports } from './shippedReports.js';

/**
 * The shipped worker's report writer: PostgreSQL from DATABASE_URL (or PG*), files under TASKSTREAM_REPORTS_DIR
 * (default ./reports), TASKSTREAM_REPORT_CHUNK_ROWS rows per chunk. Nothing connects until the first report.
 */
export function reportWriterFromEnv(
  log: Logger,
  options: { dir?: string; reports?: readonly ReportDefinition[]; env?: NodeJS.ProcessEnv } = {},
): { writer: ReportWriter; close(): Promise<void> } {
  const env = options.env ?? process.env;
  const target = postgresFromEnv(env);
  const db = new ReportDatabase(target, log);
  const dir = options.dir ?? path.resolve(env.TASKSTREAM_REPORTS_DIR || 'reports');
  const chunkRows = env.TASKSTREAM_REPORT_CHUNK_ROWS ? Number(env.TASKSTREAM_REPORT_CHUNK_ROWS) : undefined;
  const writer = new ReportWriter(db, new ReportRegistry(options.reports ?? shippedReports), { dir, chunkRows });
  log.info({ database: target.address, dir }, 'generate-report reads PostgreSQL and writes gzip CSV files');
  return { writer, close: () => db.close() };
}
