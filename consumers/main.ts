/**
 * The handlers for the task types taskstream ships; `npx taskstream worker` runs them when the config names no
 * handlers of its own. Addresses come from KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL; mail goes through
 * SMTP_URL (JSON lines on stdout without it); reports read PostgreSQL at DATABASE_URL (or PG*; default the local
 * stack's 127.0.0.1:5432) and go to TASKSTREAM_REPORTS_DIR (default ./reports); resized images go to
 * TASKSTREAM_IMAGES_DIR (default ./images), made by TASKSTREAM_IMAGE_THREADS threads (default: the cores less one).
 */
import path from 'node:path';
import { ConfigError, rootLogger, type HandlerBinding, type Logger } from '../pipeline/index.js';
import { mailTransportFromEnv } from './email/mailTransportFromEnv.js';
import { sendEmailHandler } from './email/sendEmailHandler.js';
import { resizeImageHandler } from './image/resizeImageHandler.js';
import { generateReportHandler } from './report/generateReportHandler.js';
import { reportWriterFromEnv } from './report/reportWriterFromEnv.js';

export interface Consumers {
  readonly handlers: readonly HandlerBinding[];
  /** Releases what the handlers hold (SMTP and PostgreSQL connections); call it after the worker has closed. */
  close(): Promise<void>;
}

export function shippedConsumers(options: { reportsDir?: string; imagesDir?: string; log?: Logger } = {}): Consumers {
  const log = options.log ?? rootLogger();
  const mail = mailTransportFromEnv(log);
  const reports = reportWriterFromEnv(log, { dir: options.reportsDir });
  const imagesDir = options.imagesDir ?? path.resolve(process.env.TASKSTREAM_IMAGES_DIR ?? 'images');
  return {
    // resize-image's thread pool belongs to the worker, which closes it on shutdown.
    handlers: [
      sendEmailHandler(mail),
      generateReportHandler(reports.writer),
      resizeImageHandler({ dir: imagesDir, threads: imageThreadsFromEnv() }),
    ],
    close: async () => {
      await Promise.all([mail.close?.(), reports.close()]);
    },
  };
}

function imageThreadsFromEnv(): number | undefined {
  const value = process.env.TASKSTREAM_IMAGE_THREADS;
  if (value === undefined || value === '') return undefined;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ConfigError(`TASKSTREAM_IMAGE_THREADS must be a positive integer, got "${value}"`);
  }
  return threads;
}
