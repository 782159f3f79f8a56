/**
 * The handlers for the task types taskstream ships; `npx taskstream worker` runs them when the config names no
 * handlers of its own. Addresses come from KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL; mail goes through
 * SMTP_URL (JSON lines on stdout without it); reports read PostgreSQL at DATABASE_URL (or PG*; default the local
 * stack's 127.0.0.1:5432) and go to TASKSTREAM_REPORTS_DIR (default ./reports).
 * resize-image has no shipped handler yet.
 */
import { rootLogger, type HandlerBinding, type Logger } from '../pipeline/index.js';
import { mailTransportFromEnv } from './email/mailTransportFromEnv.js';
import { sendEmailHandler } from './email/sendEmailHandler.js';
import { generateReportHandler } from './report/generateReportHandler.js';
import { reportWriterFromEnv } from './report/reportWriterFromEnv.js';

export interface Consumers {
  readonly handlers: readonly HandlerBinding[];
  /** Releases what the handlers hold (SMTP and PostgreSQL connections); call it after the worker has closed. */
  close(): Promise<void>;
}

export function shippedConsumers(options: { reportsDir?: string; log?: Logger } = {}): Consumers {
  const log = options.log ?? rootLogger();
  const mail = mailTransportFromEnv(log);
  const reports = reportWriterFromEnv(log, { dir: options.reportsDir });
  return {
    handlers: [sendEmailHandler(mail), generateReportHandler(reports.writer)],
    close: async () => {
      await Promise.all([mail.close?.(), reports.close()]);
    },
  };
}
