import { latestTick, type CronSpec } from './cronTicks.js';

/** What Redis remembers of a schedule: the last tick claimed for sending and the last one known sent. */
export interface TickState {
  readonly claimed: Date | undefined;
  readonly sent: Date | undefined;
}

export interface DueTick {
  readonly tick: Date;
  /** True when this tick was claimed before but its send was never confirmed: send it again, same task id. */
  readonly resend: boolean;
}

/**
 * The missed-tick policy, in one place: at `now`, fire at most ONE tick, the most recent one at or before
 * `now`, and only if it is newer than the last claimed one. After downtime every older missed tick is skipped,
 * never replayed as a backlog (a catch-up storm of "hourly" jobs after a long outage does the same work many
 * times), and the latest one still fires however late, since dropping late ticks loses runs around deploys
 * (see README.md).
 *
 * A schedule that has never fired starts at `since` (when this scheduler started): a tick from before the
 * scheduler ever ran is not "missed", so deploying a daily 06:00 schedule at 14:00 fires nothing until tomorrow.
 *
 * A tick claimed but not confirmed sent (its sender crashed or lost Kafka in between) is sent again while it is
 * still the most recent one; its deterministic task id lets workers with dedupe on drop a double.
 */
export function dueTick(spec: CronSpec, now: Date, state: TickState, since: Date): DueTick | undefined {
  const tick = latestTick(spec, now);
  if (tick === undefined) return undefined;
  const { claimed, sent } = state;
  if (claimed === undefined) return tick.getTime() >= since.getTime() ? { tick, resend: false } : undefined;
  if (tick.getTime() > claimed.getTime()) return { tick, resend: false };
  const unsent = sent === undefined || sent.getTime() < claimed.getTime();
  if (tick.getTime() === claimed.getTime() && unsent) return { tick, resend: true };
  return undefined;
}
