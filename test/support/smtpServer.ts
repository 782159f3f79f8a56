import { simpleParser, type ParsedMail } from 'mailparser';
import { startSmtpCapture, type SmtpRefusal } from '../../ops/smtp/SmtpCapture.js';
import { onCleanup } from './resources.js';

export type { SmtpRefusal };

export interface CapturedMail {
  /** RCPT TO addresses of the transaction. */
  readonly envelopeTo: readonly string[];
  readonly parsed: ParsedMail;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for SmtpTransport or SMTP_URL. */
  readonly url: string;
  /** Every mail accepted so far, in order. */
  readonly received: CapturedMail[];
  /** RCPT TO commands seen, refused ones included, in order. */
  readonly recipients: readonly string[];
}

/**
 * The SMTP capture server (ops/smtp/SmtpCapture.ts) on a free loopback port, each mail parsed, closed after the
 * test. `refuse` is asked at each RCPT TO with the address and how many RCPT TO came before it; a refusal answers
 * with its code and message, anything else accepts.
 */
export async function startSmtpServer(
  options: { refuse?: (address: string, earlier: number) => SmtpRefusal | undefined } = {},
): Promise<TestSmtpServer> {
  const received: CapturedMail[] = [];
  const capture = await startSmtpCapture({
    refuse: options.refuse,
    onMail: async (raw, envelopeTo) => {
      received.push({ envelopeTo, parsed: await simpleParser(raw) });
    },
  });
  onCleanup(() => capture.close());
  return { url: capture.url, received, recipients: capture.recipients };
}
