import { CronExpressionParser, type CronExpression } from 'cron-parser';

/** What a tick computation needs of a schedule: its expression and the zone it is read in. */
export interface CronSpec {
  readonly cron: string;
  readonly timezone: string;
}

// A fresh iterator per question: cron-parser's expressions are stateful cursors, and sharing one between
// "next" and "latest" questions would make each answer depend on the question asked before it.
function cursor(spec: CronSpec, at: Date): CronExpression {
  return CronExpressionParser.parse(spec.cron, { currentDate: at, tz: spec.timezone });
}

/** The next `count` ticks strictly after `after`. */
export function nextTicks(spec: CronSpec, after: Date, count: number): Date[] {
  return cursor(spec, after)
    .take(count)
    .map((d) => d.toDate());
}

/** The tick strictly after `after`, or undefined when the expression has no further tick. */
export function nextTick(spec: CronSpec, after: Date): Date | undefined {
  return nextTicks(spec, after, 1)[0];
}

/** The most recent tick at or before `at` (a tick exactly at `at` counts), or undefined when there is none. */
export function latestTick(spec: CronSpec, at: Date): Date | undefined {
  // prev() is strictly before its start, so start one millisecond later to include a tick exactly at `at`.
  const c = cursor(spec, new Date(at.getTime() + 1));
  return c.hasPrev() ? c.prev().toDate() : undefined;
}
