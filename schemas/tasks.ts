import { defineTask } from '../pipeline/index.js';
import { generateReportSchema } from './generated/generate-report.js';
import { resizeImageSchema } from './generated/resize-image.js';
import { sendEmailSchema } from './generated/send-email.js';

/** The task types taskstream ships, with their handlers in consumers/. */
export const sendEmail = defineTask({
  name: 'send-email',
  schema: sendEmailSchema,
  key: (email) => email.to,
  concurrency: 20,
});

export const generateReport = defineTask({
  name: 'generate-report',
  schema: generateReportSchema,
  key: (report) => report.customerId,
  concurrency: 4,
  timeoutMs: 5 * 60_000,
});

export const resizeImage = defineTask({
  name: 'resize-image',
  schema: resizeImageSchema,
  concurrency: 8,
});

export const shippedTasks = [sendEmail, generateReport, resizeImage] as const;
