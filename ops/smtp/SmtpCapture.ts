import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerError } from 'smtp-server';

/** A reply to refuse a recipient with, e.g. `{ code: 550, message: '5.1.1 no such user' }`. */
export interface SmtpRefusal {
  readonly code: number;
  readonly message: string;
}

export interface SmtpCaptureOptions {
  /**
   * Asked at each RCPT TO with the address and how many RCPT TO came before it (refused ones included); a
   * refusal answers with its code and message, undefined accepts.
   */
  readonly refuse?: (address: string, earlier: number) => SmtpRefusal | undefined;
  /**
   * Each accepted mail, as the raw message the client sent (an .eml) and its RCPT TO addresses. The server
   * answers 250 only after this settles, so a mail it failed to keep is refused (451) and the client retries it.
   */
  readonly onMail: (raw: Buffer, envelopeTo: readonly string[]) => void | Promise<void>;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL or SmtpTransport. */
  readonly url: string;
  /** RCPT TO commands seen, refused ones included, in order. */
  readonly recipients: readonly string[];
  close(): Promise<void>;
}

/**
 * A real SMTP server (nodemailer's smtp-server) on a free loopback port that keeps what it is sent instead of
 * delivering it: for tests and the demo, where mail must really cross SMTP but reach nobody. No TLS and no
 * login, as a local relay.
 */
export async function startSmtpCapture(options: SmtpCaptureOptions): Promise<SmtpCapture> {
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
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err: Error) => callback(err));
      stream.on('end', () => {
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        Promise.resolve()
          .then(() => options.onMail(Buffer.concat(chunks), envelopeTo))
          .then(
            () => callback(),
            (err: unknown) => {
              const refused: SMTPServerError = new Error(`4.3.0 could not keep the mail: ${String(err)}`);
              refused.responseCode = 451;
              callback(refused);
            },
          );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    recipients,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
