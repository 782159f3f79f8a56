import os from 'node:os';
import path from 'node:path';
import { createLogger, TaskProducer, Worker } from '../../pipeline/index.js';
import type { MailTransport, OutgoingMail } from '../../consumers/email/MailTransport.js';
import { sendEmailHandler } from '../../consumers/email/sendEmailHandler.js';
import { generateReportHandler } from '../../consumers/report/generateReportHandler.js';
import { seedDemoOrders } from '../../consumers/report/demoOrders.js';
import { postgresFromEnv } from '../../consumers/report/postgresFromEnv.js';
import { reportWriterFromEnv } from '../../consumers/report/reportWriterFromEnv.js';
import { generateReport, sendEmail } from '../../schemas/tasks.js';
import { ensureStack } from './ensureStack.js';

/** The main job of a fresh checkout: a producer and a worker round trip that shows what happened. */
export async function runDemo(): Promise<void> {
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  await ensureStack((line) => say(`stack     ${line.trim()}`));
  const logger = createLogger();
  logger.level = process.env.TASKSTREAM_LOG_LEVEL ?? 'warn';

  const delivered: OutgoingMail[] = [];
  const transport: MailTransport = { send: async (mail) => void delivered.push(mail) };
  const reportsDir = path.join(os.tmpdir(), 'taskstream-demo-reports');
  const customers = ['acme', 'globex'];
  await seedDemoOrders(postgresFromEnv(), customers);
  const reportWriter = reportWriterFromEnv(logger, { dir: reportsDir });
  const worker = new Worker({
    groupPrefix: 'taskstream-demo',
    handlers: [sendEmailHandler(transport), generateReportHandler(reportWriter.writer)],
    logger,
  });
  const mine = new Set<string>();
  const done = new Map<string, number>();
  worker.on('task:completed', (e) => {
    if (mine.has(e.taskId)) done.set(e.type, (done.get(e.type) ?? 0) + 1);
  });

  const producer = new TaskProducer({ logger });
  const started = Date.now();
  const recipients = ['ada@example.com', 'grace@example.com', 'linus@example.com'];
  const emails = recipients.flatMap((to) => [1, 2, 3, 4].map((n) => ({ to, subject: `step ${n}` })));
  const reports = customers.map((customerId) => ({
    customerId,
    period: 'WEEK' as const,
    requestedAt: Date.now(),
  }));
  const sent = [
    ...(await producer.enqueueMany(sendEmail, emails)),
    ...(await producer.enqueueMany(generateReport, reports)),
  ];
  for (const s of sent) mine.add(s.taskId);
  say(`enqueued  ${emails.length} send-email and ${reports.length} generate-report tasks`);
  for (const s of sent.slice(0, 3)) say(`          e.g. ${s.taskId} (partition ${s.partition}, offset ${s.offset})`);

  await worker.start();
  const total = emails.length + reports.length;
  const deadline = Date.now() + 60_000;
  while ([...done.values()].reduce((a, b) => a + b, 0) < total && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await worker.close();
  await producer.close();
  await reportWriter.close();

  say(
    `worker    completed ${done.get(sendEmail.name) ?? 0}/${emails.length} emails and ${done.get(generateReport.name) ?? 0}/${reports.length} reports in ${Date.now() - started} ms`,
  );
  for (const to of recipients) {
    const order = delivered.filter((m) => m.to === to).map((m) => m.subject.replace('step ', ''));
    say(`          ${to.padEnd(20)} received steps ${order.join(', ')} (one key: in order)`);
  }
  say(`          reports written under ${reportsDir}`);
  if ([...done.values()].reduce((a, b) => a + b, 0) < total) {
    process.exitCode = 1;
    say('demo      FAILED: not every task completed within 60 s');
  }
}
