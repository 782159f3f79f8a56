import type { Logger } from '../../pipeline/index.js';
import { JsonLinesTransport, type MailTransport } from './MailTransport.js';
import { SmtpTransport } from './SmtpTransport.js';

/**
 * The shipped worker's transport: SMTP when SMTP_URL is set (From: SMTP_FROM), else JSON lines on stdout for
 * development. Says which at start, since a worker that prints mails instead of sending them looks healthy.
 */
export function mailTransportFromEnv(log: Logger, env: NodeJS.ProcessEnv = process.env): MailTransport {
  const url = env.SMTP_URL;
  if (url === undefined || url === '') {
    log.warn(
      'SMTP_URL is not set: send-email writes each mail as a JSON line to stdout instead of sending it (development only)',
    );
    return new JsonLinesTransport();
  }
  const smtp = new SmtpTransport({ url, from: env.SMTP_FROM || undefined });
  log.info({ server: smtp.server, from: smtp.from }, 'send-email sends mail through SMTP');
  return smtp;
}
