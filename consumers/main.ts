/**
 * The handlers for the task types taskstream ships; `npx taskstream worker` runs them when the config names no
 * handlers of its own. Addresses come from KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL; mail goes through
 * SMTP_URL (JSON lines on stdout without it); reports go to TASKSTREAM_REPORTS_DIR (default ./reports).
 * resize-image has no shipped handler yet.
 */
import path from 'node:path';
import { rootLogger, type HandlerBinding, type Logger } from '../pipeline/index.js';
import { mailTransportFromEnv } from './email/mailTransportFromEnv.js';
import { sendEmailHandler } from './email/sendEmailHandler.js';
import { generateReportHandler } from './report/generateReportHandler.js';

export interface Consumers {
  readonly handlers: readonly HandlerBinding[];
  /** Releases what the handlers hold (SMTP connections); call it after the worker has closed. */
  close(): Promise<void>;
}

export function shippedConsumers(options: { reportsDir?: string; log?: Logger } = {}): Consumers {
  const mail = mailTransportFromEnv(options.log ?? rootLogger());
  const reportsDir = options.reportsDir ?? path.resolve(process.env.TASKSTREAM_REPORTS_DIR ?? 'reports');
  return {
    handlers: [sendEmailHandler(mail), generateReportHandler(reportsDir)],
    close: async () => mail.close?.(),
  };
}
