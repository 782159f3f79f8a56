import type { TypeCounts } from './workerCounts.js';

/** One task type's line of the live view. */
export interface DemoRow {
  readonly type: string;
  readonly enqueued: number;
  readonly counts: TypeCounts;
  /** Tasks done per second, over the last few seconds. */
  readonly rate: number;
}

const HEADERS = ['TASK TYPE', 'ENQUEUED', 'DONE', 'RETRIED', 'DEAD-LETTERED', 'DONE/S'] as const;

function cells(r: DemoRow): string[] {
  const c = r.counts;
  return [
    r.type,
    String(r.enqueued),
    String(c.completed),
    String(c.retried),
    String(c.deadLettered),
    r.rate.toFixed(1),
  ];
}

/** Pure: the table a terminal shows, redrawn in place. */
export function renderTable(rows: readonly DemoRow[]): string[] {
  const all = [[...HEADERS], ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** Pure: one line for a log that is not a terminal (CI), e.g. `12s  send-email 40 in, 38 done, 3 retried, 2 dead; …`. */
export function renderLine(elapsedMs: number, rows: readonly DemoRow[]): string {
  const parts = rows.map(
    (r) =>
      `${r.type} ${r.enqueued} in, ${r.counts.completed} done, ${r.counts.retried} retried, ${r.counts.deadLettered} dead`,
  );
  return `${String(Math.round(elapsedMs / 1000)).padStart(3)}s  ${parts.join('; ')}`;
}
