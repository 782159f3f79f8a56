import fs from 'node:fs/promises';
import path from 'node:path';
import { handle } from '../../pipeline/index.js';
import { generateReport } from '../../schemas/tasks.js';

/**
 * Writes one customer's report for a period to `<dir>/<customerId>/<period>-<requestedAt>.json`. The file is
 * written under a temporary name and renamed, so a retried or redelivered task never leaves half a report.
 */
export function generateReportHandler(dir: string) {
  return handle(generateReport, async (report, ctx) => {
    const folder = path.join(dir, report.customerId);
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, `${report.period}-${report.requestedAt}.json`);
    const body = JSON.stringify({ ...report, taskId: ctx.taskId, generatedAt: new Date().toISOString() });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, body, { signal: ctx.signal });
    await fs.rename(tmp, file);
  });
}
