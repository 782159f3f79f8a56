import { handle, UnrecoverableError, type TaskDefinition } from '../../pipeline/index.js';
import type { sendEmailSchema } from '../../schemas/generated/send-email.js';
import { sendEmail } from '../../schemas/tasks.js';
import type { MailTransport } from './MailTransport.js';
import { messageIdFor } from './messageId.js';

const ADDRESS = /^[^@\s]+@[^@\s]+$/;

/**
 * Sends one email through the transport, with a Message-ID made from the task id so a repeat is recognisable;
 * a malformed address is dead-lettered at once (retrying cannot fix it). `task` is any task type with the
 * send-email schema (default the shipped one).
 */
export function sendEmailHandler(transport: MailTransport, task: TaskDefinition<typeof sendEmailSchema> = sendEmail) {
  return handle(task, async (email, ctx) => {
    if (!ADDRESS.test(email.to)) throw new UnrecoverableError(`"${email.to}" is not an email address`);
    const mail = { to: email.to, subject: email.subject, body: email.body, messageId: messageIdFor(ctx.taskId) };
    await transport.send(mail, ctx.signal);
  });
}
