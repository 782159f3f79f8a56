import path from 'node:path';
import type { DeadLetterRow } from '../cli/dlq/deadLetters.js';
import { renderTable, type DemoRow } from './demoTable.js';
import type { DemoFolder } from './demoFolder.js';
import type { DemoOutputs } from './demoOutputs.js';

export interface SummaryInput {
  readonly folder: DemoFolder;
  readonly rows: readonly DemoRow[];
  readonly outputs: DemoOutputs;
  readonly smtpUrl: string;
  /** The ISO time dead letters of this run are counted from (what `dlq list --since` takes). */
  readonly since: string;
  readonly elapsedMs: number;
  readonly interrupted: boolean;
  /** Tasks enqueued that the workers had neither done nor dead-lettered when they were stopped. */
  readonly unsettled: number;
  readonly dashboardUrl: string;
}

/** Pure: the lines printed at the end, saying what happened and where to look. */
export function summaryLines(s: SummaryInput): string[] {
  const { folder, outputs } = s;
  const relative = path.relative(process.cwd(), folder.config);
  const cli = `npx taskstream --config ${relative.startsWith('..') ? folder.config : relative}`;
  const lines = [
    '',
    `summary    ${s.interrupted ? 'interrupted (Ctrl-C) after' : 'ran'} ${Math.round(s.elapsedMs / 1000)} s; counts from the workers' /metrics:`,
    ...renderTable(s.rows).map((l) => `           ${l}`),
  ];
  if (s.unsettled > 0) {
    lines.push(
      `           ${s.unsettled} tasks were still waiting or retrying when the workers were told to stop; they stay in Kafka`,
    );
  }
  if (s.interrupted) {
    lines.push(
      '           (counted before the workers drained: the files and dead letters below include what finished meanwhile)',
    );
  }
  lines.push(
    `mail       mails captured: ${outputs.mails} (by the SMTP server at ${s.smtpUrl}), each saved as .eml in ${folder.mail}`,
    `reports    report files: ${outputs.reports} gzip CSV under ${folder.reports} (zcat one to read it)`,
    `images     resized images: ${outputs.images} files under ${folder.images}`,
  );
  for (const [type, rows] of outputs.deadLetters) {
    lines.push(
      `dead       dead letters ${type}: ${rows.length}${rows.length > 0 ? ` (${byCode(rows)})` : ''}`,
      `             ${cli} dlq list ${type} --since ${s.since}`,
    );
  }
  lines.push(
    `dashboard  ${s.dashboardUrl} while the demo ran; again with: ${cli} dashboard`,
    `logs       ${folder.logs} (the workers' and the scheduler's JSON logs)`,
  );
  return lines;
}

/** `UNRECOVERABLE 3, MAIL_DEFERRED after 4 attempts 2`: why they were dead-lettered. */
function byCode(rows: readonly DeadLetterRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const why = r.attempts !== null && r.attempts > 1 ? `${r.errorCode} after ${r.attempts} attempts` : r.errorCode;
    counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  return [...counts].map(([why, n]) => `${n} ${why}`).join(', ');
}
