import { UnrecoverableError } from '../../pipeline/index.js';

/**
 * The SMTP server did not take the mail this time: a 4xx reply, no answer, a dropped connection, failed
 * login. Another attempt may succeed, so the worker retries it (`retriable: true`).
 */
export class MailDeferredError extends Error {
  override readonly name = 'MailDeferredError';
  readonly code = 'MAIL_DEFERRED';
  readonly retriable = true;

  constructor(
    message: string,
    /** The server's reply code, when it answered. */
    readonly smtpCode: number | undefined,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** The fields nodemailer sets on its errors (NodemailerError), read defensively: anything may be thrown. */
interface SmtpErrorFields {
  readonly code?: unknown;
  readonly responseCode?: unknown;
  readonly response?: unknown;
  readonly permanent?: unknown;
  readonly originalCode?: unknown;
  readonly message?: unknown;
}

// nodemailer's codes for a send it refused before talking to the server: the message itself is unusable.
const MALFORMED = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS', 'ECONFIG', 'ESTREAM']);

/**
 * What a failed send means for the task (tested as a table in test/unit/smtpFailure.test.ts):
 *
 * | failure                                               | result                                   |
 * | ----------------------------------------------------- | ---------------------------------------- |
 * | the send was aborted (ctx.signal: timeout, shutdown)  | the AbortError as it is (the worker      |
 * |                                                       | knows why it aborted)                    |
 * | a 5xx reply to the envelope or message (except 503)   | UnrecoverableError with the reply: DLQ   |
 * | a 4xx reply, 503, or any reply while logging in       | MailDeferredError: retried               |
 * | no reply: refused, timed out, connection dropped, DNS | MailDeferredError: retried               |
 * | refused by nodemailer before sending (no recipients)  | UnrecoverableError                       |
 *
 * A rejected login is retried even when it is a 5xx: it is about the server's configuration, not this mail, so
 * dead-lettering every mail while the password is wrong would be the wrong way round.
 */
export function classifySmtpFailure(err: unknown, to: string, server: string): Error {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpErrorFields;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (code === 'EABORT' && err instanceof Error) return err;
  const replyCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reply = typeof e.response === 'string' ? e.response.trim() : message;
  const login = code === 'EAUTH' || code === 'ENOAUTH';
  if (replyCode !== undefined && !login) {
    // nodemailer sets `permanent` from the reply class; 503 (bad sequence of commands) is not permanent.
    const permanent = e.permanent === true || (e.permanent === undefined && replyCode >= 500 && replyCode !== 503);
    if (permanent) {
      return new UnrecoverableError(`SMTP server ${server} rejected the mail to ${to}: ${reply}`, { cause: err });
    }
    return new MailDeferredError(`SMTP server ${server} deferred the mail to ${to}: ${reply}`, replyCode, err);
  }
  if (code !== undefined && MALFORMED.has(code)) {
    return new UnrecoverableError(`the mail to ${to} cannot be sent: ${message}`, { cause: err });
  }
  const why = typeof e.originalCode === 'string' ? e.originalCode : (code ?? 'error');
  const what = login ? `refused the login; the mail to ${to} was not sent` : `did not take the mail to ${to}`;
  return new MailDeferredError(`SMTP server ${server} ${what} (${why}): ${message}`, replyCode, err);
}
