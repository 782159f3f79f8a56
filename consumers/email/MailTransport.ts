/** Where mail goes. Production plugs in SMTP or an API client; the default writes one JSON line per mail. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
}

export interface MailTransport {
  send(mail: OutgoingMail, signal: AbortSignal): Promise<void>;
}

/** Appends each mail to a stream (stdout by default): useful in development and in the demo. */
export class JsonLinesTransport implements MailTransport {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  async send(mail: OutgoingMail): Promise<void> {
    this.out.write(`${JSON.stringify({ mail })}\n`);
  }
}
