/** Where mail goes: SMTP in production (SmtpTransport), one JSON line per mail in development. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  /** `<…@taskstream>`, the same on every attempt of one task, so the receiving side can tell a repeat. */
  readonly messageId: string;
}

export interface MailTransport {
  /** Resolves once the mail was handed over; rejects with a retriable error or an UnrecoverableError. */
  send(mail: OutgoingMail, signal: AbortSignal): Promise<void>;
  /** Releases connections; called once the worker has stopped. */
  close?(): Promise<void>;
}

/** Appends each mail to a stream (stdout by default): useful in development and in the demo. */
export class JsonLinesTransport implements MailTransport {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  async send(mail: OutgoingMail, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.out.write(`${JSON.stringify({ mail })}\n`);
  }
}
