/**
 * The worker for the task types taskstream ships; `npx taskstream worker` runs it. Addresses come from
 * KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL.
 */
import path from 'node:path';
import { Worker } from '../pipeline/index.js';
import { JsonLinesTransport } from './email/MailTransport.js';
import { sendEmailHandler } from './email/sendEmailHandler.js';
import { generateReportHandler } from './report/generateReportHandler.js';

export function shippedWorker(options: { reportsDir?: string } = {}): Worker {
  return new Worker({
    handlers: [
      sendEmailHandler(new JsonLinesTransport()),
      generateReportHandler(options.reportsDir ?? path.resolve(process.env.TASKSTREAM_REPORTS_DIR ?? 'reports')),
    ],
  });
}
