import fs from 'node:fs/promises';
import path from 'node:path';
import { startSmtpCapture, type SmtpRefusal } from '../smtp/SmtpCapture.js';

/** Recipient domains the demo's SMTP server treats specially, so some mail fails the way real mail does. */
export const MAIL_DOMAINS = {
  /** Accepted. */
  ok: 'example.com',
  /** 550: a permanent refusal, dead-lettered at the first attempt. */
  bounce: 'bounce.demo.test',
  /** 452 every time: retried through the tiers until the attempts run out, then dead-lettered. */
  busy: 'busy.demo.test',
  /** 451 for an address's first GREYLIST_TRIES tries, then accepted: retried, then done. */
  greylist: 'greylist.demo.test',
} as const;

export const GREYLIST_TRIES = 2;

/** Pure: the server's answer to one RCPT TO, given how often this address was refused before. */
export function demoRefusal(address: string, refusedBefore: number): SmtpRefusal | undefined {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (domain === MAIL_DOMAINS.bounce) return { code: 550, message: '5.1.1 no such user here' };
  if (domain === MAIL_DOMAINS.busy) return { code: 452, message: '4.2.2 mailbox full, try again later' };
  if (domain === MAIL_DOMAINS.greylist && refusedBefore < GREYLIST_TRIES) {
    return { code: 451, message: '4.7.1 greylisted, try again later' };
  }
  return undefined;
}

export interface DemoMailbox {
  readonly url: string;
  /** Mails accepted and saved as .eml so far. */
  saved(): number;
  close(): Promise<void>;
}

/** The demo's SMTP server on loopback: refuses by `demoRefusal`, saves each accepted mail as `<dir>/<n>.eml`. */
export async function startDemoMailbox(dir: string): Promise<DemoMailbox> {
  const refusals = new Map<string, number>();
  let saved = 0;
  let next = 0;
  const capture = await startSmtpCapture({
    refuse: (address) => {
      const refusal = demoRefusal(address, refusals.get(address) ?? 0);
      if (refusal) refusals.set(address, (refusals.get(address) ?? 0) + 1);
      return refusal;
    },
    onMail: async (raw) => {
      next += 1;
      await fs.writeFile(path.join(dir, `${String(next).padStart(5, '0')}.eml`), raw);
      saved += 1;
    },
  });
  return { url: capture.url, saved: () => saved, close: () => capture.close() };
}
