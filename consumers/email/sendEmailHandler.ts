import { handle, UnrecoverableError } from '../../pipeline/index.js';
import { sendEmail } from '../../schemas/tasks.js';
import type { MailTransport } from './MailTransport.js';

const ADDRESS = /^[^@\s]+@[^@\s]+$/;

/** Sends one email through the transport; a malformed address is dead-lettered at once (retrying cannot fix it). */
export function sendEmailHandler(transport: MailTransport) {
  return handle(sendEmail, async (email, ctx) => {
    if (!ADDRESS.test(email.to)) throw new UnrecoverableError(`"${email.to}" is not an email address`);
    await transport.send({ to: email.to, subject: email.subject, body: email.body }, ctx.signal);
  });
}
