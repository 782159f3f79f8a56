// Guarantee: the shipped send-email handler delivers over real SMTP with a Message-ID made from the task id; a 5xx reply dead-letters the task at once with the reply as the reason; a 4xx reply is retried until delivered, once.
import { describe, expect, it } from 'vitest';
import { defineTask, TaskProducer, type WorkerEvents } from '../../../pipeline/index.js';
import { DLQ_HEADER, dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { SmtpTransport } from '../../../consumers/email/SmtpTransport.js';
import { messageIdFor } from '../../../consumers/email/messageId.js';
import { sendEmailHandler } from '../../../consumers/email/sendEmailHandler.js';
import { sendEmailSchema } from '../../../schemas/generated/send-email.js';
import { sendEmail } from '../../../schemas/tasks.js';
import { readAll } from '../../support/readTopic.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { startSmtpServer, type SmtpRefusal } from '../../support/smtpServer.js';
import { quietPeriod, waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

/** The shipped send-email task type under a name of its own (so no two tests share topics), retrying quickly. */
function sendEmailTask() {
  return defineTask({
    name: uniqueName('send-email'),
    schema: sendEmailSchema,
    key: sendEmail.key,
    partitions: 1,
    retry: { maxAttempts: 3, minDelayMs: 200, maxDelayMs: 200 },
  });
}

/** The shipped handler pointed at `smtpUrl`, in a worker whose events are collected. */
async function startMailWorker(task: ReturnType<typeof sendEmailTask>, smtpUrl: string) {
  const transport = new SmtpTransport({ url: smtpUrl, from: 'Shop <shop@example.com>' });
  // Registered before the worker's own cleanup, so it runs after the worker has stopped.
  onCleanup(() => transport.close());
  const completed: WorkerEvents['task:completed'][] = [];
  const dead: WorkerEvents['task:dead-lettered'][] = [];
  const retrying: WorkerEvents['task:retrying'][] = [];
  await startWorker({ handlers: [sendEmailHandler(transport, task)] }, (w) => {
    w.on('task:completed', (e) => completed.push(e));
    w.on('task:dead-lettered', (e) => dead.push(e));
    w.on('task:retrying', (e) => retrying.push(e));
  });
  return { completed, dead, retrying };
}

describe('send-email over SMTP', () => {
  it('delivers recipient, subject and body, with a Message-ID made from the task id', async () => {
    const smtp = await startSmtpServer();
    const task = sendEmailTask();
    const producer = await using(new TaskProducer());
    const plain = await producer.enqueue(task, { to: 'ada@example.com', subject: 'Your order', body: 'It shipped.' });
    const named = await producer.enqueue(
      task,
      { to: 'grace@example.com', subject: 'Receipt 17', body: 'Thanks!' },
      { id: 'order 17/receipt' },
    );
    const worker = await startMailWorker(task, smtp.url);
    await waitFor('both mails delivered', () => worker.completed.length === 2 && smtp.received.length === 2);

    const byTo = new Map(smtp.received.map((m) => [m.envelopeTo.join(','), m.parsed]));
    const ada = byTo.get('ada@example.com');
    expect(ada?.to).toMatchObject({ text: 'ada@example.com' });
    expect(ada?.from).toMatchObject({ value: [{ address: 'shop@example.com', name: 'Shop' }] });
    expect(ada?.subject).toBe('Your order');
    expect(ada?.text?.trim()).toBe('It shipped.');
    // A worker-made task id (<topic>-<partition>-<offset>) is header-safe as it is.
    expect(ada?.messageId).toBe(`<${plain.taskId}@taskstream>`);

    const grace = byTo.get('grace@example.com');
    expect(grace?.subject).toBe('Receipt 17');
    expect(grace?.messageId).toBe('<order=2017=2Freceipt@taskstream>');
    expect(grace?.messageId).toBe(messageIdFor(named.taskId));
  });

  it('dead-letters a mail the server rejects with 550 once, with the reply as the reason', async () => {
    const refusal: SmtpRefusal = { code: 550, message: '5.1.1 <nobody@example.com>: no such user here' };
    const smtp = await startSmtpServer({ refuse: (to) => (to === 'nobody@example.com' ? refusal : undefined) });
    const task = sendEmailTask();
    const producer = await using(new TaskProducer());
    const sent = await producer.enqueue(task, { to: 'nobody@example.com', subject: 'hi' });
    const worker = await startMailWorker(task, smtp.url);

    await waitFor('the task dead-lettered', () => worker.dead.length > 0);
    // Longer than the retry delay: a retry would have asked the server again by now.
    await quietPeriod(1500, 'no retry of the dead-lettered email');
    expect(smtp.recipients).toEqual(['nobody@example.com']);
    expect(worker.retrying).toEqual([]);
    expect(worker.dead.map((e) => [e.taskId, e.attempt])).toEqual([[sent.taskId, 1]]);
    const letters = await readAll(dlqTopicOf(task.topic));
    expect(letters).toHaveLength(1);
    expect(letters[0]?.headers).toMatchObject({
      'ts-id': sent.taskId,
      [DLQ_HEADER.errorClass]: 'UnrecoverableError',
      [DLQ_HEADER.errorCode]: 'UNRECOVERABLE',
      [DLQ_HEADER.retriable]: 'false',
      [DLQ_HEADER.attempts]: '1',
    });
    expect(letters[0]?.headers[DLQ_HEADER.errorMessage]).toContain(
      'rejected the mail to nobody@example.com: 550 5.1.1 <nobody@example.com>: no such user here',
    );
    expect(smtp.received).toEqual([]);
  });

  it('retries a mail deferred with 451 and delivers it once, on attempt 2', async () => {
    let refused = 0;
    const smtp = await startSmtpServer({
      refuse: () => (refused++ === 0 ? { code: 451, message: '4.3.0 mailbox busy, try again later' } : undefined),
    });
    const task = sendEmailTask();
    const producer = await using(new TaskProducer());
    const sent = await producer.enqueue(task, { to: 'linus@example.com', subject: 'later', body: 'eventually' });
    const worker = await startMailWorker(task, smtp.url);

    await waitFor('the mail delivered on a retry', () => worker.completed.length === 1);
    expect(worker.retrying.map((e) => [e.attempt, e.error.message])).toEqual([
      [1, `SMTP server ${smtp.url} deferred the mail to linus@example.com: 451 4.3.0 mailbox busy, try again later`],
    ]);
    expect(worker.completed.map((e) => [e.taskId, e.attempt])).toEqual([[sent.taskId, 2]]);
    await quietPeriod(1000, 'no further delivery past another retry delay');
    expect(smtp.recipients).toEqual(['linus@example.com', 'linus@example.com']);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.parsed.messageId).toBe(`<${sent.taskId}@taskstream>`);
    expect(worker.dead).toEqual([]);
  });
});
