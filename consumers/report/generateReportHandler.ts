import { handle, type TaskDefinition } from '../../pipeline/index.js';
import type { generateReportSchema } from '../../schemas/generated/generate-report.js';
import { generateReport } from '../../schemas/tasks.js';
import type { ReportWriter } from './ReportWriter.js';

/**
 * Writes the report a task names as a gzip CSV, streaming rows from PostgreSQL with checkpoints, so a retry or
 * a redelivery continues where the last run got to (see ReportWriter). `task` is any task type with the
 * generate-report schema (default the shipped one).
 */
export function generateReportHandler(
  writer: ReportWriter,
  task: TaskDefinition<typeof generateReportSchema> = generateReport,
) {
  return handle(task, (request, ctx) => writer.write(request, ctx));
}
