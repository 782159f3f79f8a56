import os from 'node:os';
import nodemailer, { type Transporter } from 'nodemailer';
import { ConfigError } from '../../pipeline/index.js';
import type { MailTransport, OutgoingMail } from './MailTransport.js';
import { classifySmtpFailure } from './smtpFailure.js';

export interface SmtpTransportOptions {
  /**
   * `smtp://host:port` (STARTTLS when the server offers it) or `smtps://user:password@host:465` (TLS from the
   * start); nodemailer's options may follow as a query, e.g. `?pool=true&maxConnections=5` to reuse
   * connections, or `?requireTLS=true`.
   */
  readonly url: string;
  /** The From of every mail, e.g. `Shop <noreply@shop.example>` (default `taskstream@<host name>`). */
  readonly from?: string;
  /**
   * How long to wait to connect, for the greeting, and for any reply (default 10 s each). Shorter than the
   * task's timeout, so a hung server fails the attempt with the step that hung rather than a bare timeout.
   */
  readonly timeoutMs?: number;
}

/**
 * Sends each mail over SMTP with nodemailer, as plain text, with the task's Message-ID. A permanent (5xx)
 * rejection becomes an UnrecoverableError carrying the server's reply, so the task is dead-lettered at once
 * with that reply as its reason; a 4xx reply or a server that does not answer is retried (see smtpFailure.ts).
 * The worker's signal aborts a send in flight (nodemailer closes the connection) and stops one not yet started.
 */
export class SmtpTransport implements MailTransport {
  /** `smtp://host:port` without credentials: what logs and error messages name. */
  readonly server: string;
  readonly from: string;
  private readonly mailer: Transporter;

  constructor(options: SmtpTransportOptions) {
    this.server = serverOf(options.url);
    this.from = options.from ?? `taskstream@${os.hostname()}`;
    const timeout = options.timeoutMs ?? 10_000;
    // Options in the URL's query win over these defaults (nodemailer merges them that way).
    this.mailer = nodemailer.createTransport(
      { url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout },
      { from: this.from },
    );
  }

  async send(mail: OutgoingMail, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    try {
      await this.mailer.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.body,
        messageId: mail.messageId,
        signal,
      });
    } catch (err) {
      throw classifySmtpFailure(err, mail.to, this.server);
    }
  }

  async close(): Promise<void> {
    this.mailer.close();
  }
}

/** The URL's scheme, host and port, checked. The URL itself is never echoed: it may hold a password. */
function serverOf(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const problem =
    parsed === undefined
      ? 'it does not parse as a URL'
      : parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:'
        ? `it starts with ${parsed.protocol}`
        : parsed.hostname === ''
          ? 'it names no host'
          : undefined;
  if (parsed === undefined || problem !== undefined) {
    throw new ConfigError(
      `SMTP_URL must look like smtp://host:port or smtps://user:password@host:port, but ${problem ?? 'it is wrong'}`,
    );
  }
  return `${parsed.protocol}//${parsed.host}`;
}
