import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerError } from 'smtp-server';
import { onCleanup } from './resources.js';

export interface CapturedMail {
  /** RCPT TO addresses of the transaction. */
  readonly envelopeTo: readonly string[];
  readonly parsed: ParsedMail;
}

/** A reply to refuse a recipient with, e.g. `{ code: 550, message: '5.1.1 no such user' }`. */
export interface SmtpRefusal {
  readonly code: number;
  readonly message: string;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for SmtpTransport or SMTP_URL. */
  readonly url: string;
  /** Every mail accepted so far, in order. */
  readonly received: CapturedMail[];
  /** RCPT TO commands seen, refused ones included, in order. */
  readonly recipients: string[];
}

/**
 * A real SMTP server (nodemailer's smtp-server) on a free loopback port, closed after the test. `refuse` is asked
 * at each RCPT TO with the address and how many RCPT TO came before it; a refusal answers with its code and
 * message, anything else accepts. No TLS and no login, as a local relay.
 */
export async function startSmtpServer(
  options: { refuse?: (address: string, earlier: number) => SmtpRefusal | undefined } = {},
): Promise<TestSmtpServer> {
  const received: CapturedMail[] = [];
  const recipients: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = options.refuse?.(address.address, recipients.length);
      recipients.push(address.address);
      if (!refusal) return callback();
      const err: SMTPServerError = new Error(refusal.message);
      err.responseCode = refusal.code;
      callback(err);
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, recipients };
}
