import { defineTask } from '../../pipeline/index.js';
import { defineSchedule } from '../../pipeline/schedule/index.js';
import { generateReportSchema } from '../../schemas/generated/generate-report.js';
import { resizeImageSchema } from '../../schemas/generated/resize-image.js';
import { sendEmailSchema } from '../../schemas/generated/send-email.js';

/** Customers the demo seeds orders for (consumers/report/demoOrders.ts) and asks reports of. */
export const DEMO_CUSTOMERS = ['acme', 'globex', 'initech'] as const;

// Short backoff, so a failing task walks its retry tiers (500ms, 2s) to the DLQ within seconds, not minutes.
const retry = { maxAttempts: 4, minDelayMs: 500, maxDelayMs: 2000 };
const partitions = 4;

/**
 * The shipped task types under topics of the demo's own (`<namespace>.send-email`, …): the same schemas and
 * handlers, with retries short enough to watch, and nothing mixed into the topics a real worker consumes.
 */
export function demoTasks(namespace: string) {
  const sendEmail = defineTask({
    name: 'send-email',
    topic: `${namespace}.send-email`,
    schema: sendEmailSchema,
    key: (email) => email.to,
    concurrency: 20,
    partitions,
    retry,
  });
  const generateReport = defineTask({
    name: 'generate-report',
    topic: `${namespace}.generate-report`,
    schema: generateReportSchema,
    key: (report) => report.customerId,
    concurrency: 4,
    timeoutMs: 60_000,
    partitions,
    retry,
  });
  const resizeImage = defineTask({
    name: 'resize-image',
    topic: `${namespace}.resize-image`,
    schema: resizeImageSchema,
    concurrency: 4,
    partitions,
    retry,
  });
  // A report every 10 s (cron with seconds); one missed while nothing ran is not worth sending late.
  const reportEvery10s = defineSchedule({
    name: 'demo-report',
    task: generateReport,
    cron: '*/10 * * * * *',
    timezone: 'UTC',
    payload: (tick) => ({ customerId: 'scheduled', period: 'DAY', requestedAt: tick.getTime() }),
    maxLateMs: 5_000,
  });
  return { sendEmail, generateReport, resizeImage, all: [sendEmail, generateReport, resizeImage], reportEvery10s };
}

export type DemoTasks = ReturnType<typeof demoTasks>;
