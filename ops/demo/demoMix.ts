import type { InputOf } from '../../pipeline/index.js';
import { DEMO_CUSTOMERS, type DemoTasks } from './demoTasks.js';
import { MAIL_DOMAINS } from './demoMailbox.js';

export type DemoTaskType = 'send-email' | 'generate-report' | 'resize-image';

/** One task of the demo's stream, with what should become of it. */
export type DemoTask =
  | { readonly type: 'send-email'; readonly payload: InputOf<DemoTasks['sendEmail']>; readonly fate: Fate }
  | { readonly type: 'generate-report'; readonly payload: InputOf<DemoTasks['generateReport']>; readonly fate: Fate }
  | { readonly type: 'resize-image'; readonly payload: InputOf<DemoTasks['resizeImage']>; readonly fate: Fate };

/** done; retried and then done; dead-lettered at once; or dead-lettered once its attempts are used up. */
export type Fate = 'done' | 'retried-then-done' | 'dead-at-once' | 'dead-after-retries';

export interface MixSources {
  readonly goodSources: readonly string[];
  readonly badSources: { readonly missing: string; readonly undecodable: string };
}

const WIDTHS = [160, 320];

/**
 * Pure: the i-th task of the demo's stream. A cycle of 20: 12 or 13 mails, 6 images, 1 or 2 reports; of them one
 * mail greylisted (retried, then done), one bounced (5xx: dead at once), one to a full mailbox (4xx every time:
 * dead after its retries), a missing and an undecodable image (dead at once), and every other cycle a report
 * the worker does not know (dead at once).
 */
export function demoTaskAt(i: number, sources: MixSources, now: number): DemoTask {
  const slot = i % 20;
  const cycle = Math.floor(i / 20);
  const mail = (local: string, domain: string, fate: Fate): DemoTask => ({
    type: 'send-email',
    payload: { to: `${local}@${domain}`, subject: `demo mail ${i}`, body: `Mail ${i} of the taskstream demo.` },
    fate,
  });
  const image = (imageUrl: string, fate: Fate): DemoTask => ({
    type: 'resize-image',
    payload: { imageUrl, widths: WIDTHS },
    fate,
  });
  const report = (report: string | undefined, fate: Fate): DemoTask => ({
    type: 'generate-report',
    payload: {
      customerId: DEMO_CUSTOMERS[i % DEMO_CUSTOMERS.length] as string,
      period: 'WEEK',
      // Distinct per task, so each writes a file of its own (the file name holds it).
      requestedAt: now + i,
      ...(report === undefined ? {} : { report }),
    },
    fate,
  });
  switch (slot) {
    case 0:
      return report(undefined, 'done');
    case 9:
      return mail(`user${i}`, MAIL_DOMAINS.greylist, 'retried-then-done');
    case 10:
      return mail(`nobody${i}`, MAIL_DOMAINS.bounce, 'dead-at-once');
    case 15:
      return image(sources.badSources.missing, 'dead-at-once');
    case 17:
      return mail(`full${i}`, MAIL_DOMAINS.busy, 'dead-after-retries');
    case 18:
      return image(sources.badSources.undecodable, 'dead-at-once');
    case 19:
      return cycle % 2 === 1 ? report('no-such-report', 'dead-at-once') : mail(`user${i}`, MAIL_DOMAINS.ok, 'done');
    default:
      if (slot >= 11 && slot <= 14) {
        return image(sources.goodSources[(i + cycle) % sources.goodSources.length] as string, 'done');
      }
      // Ten recipients, so one person's mails queue behind each other (one key: in order).
      return mail(`user${i % 10}`, MAIL_DOMAINS.ok, 'done');
  }
}
