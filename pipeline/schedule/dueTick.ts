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
  /** Later than the schedule's `maxLateMs`: claim it, so that it counts as handled, and do not send it. */
  readonly tooLate?: true;
}

/** What the policy reads of a schedule: its ticks, and how late a tick may still fire (no limit if unset). */
export interface DueSpec extends CronSpec {
  readonly maxLateMs?: number | undefined;
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
 *
 * With `maxLateMs` (Quartz's misfire threshold), a tick later than that is claimed without being sent: a daily
 * report that is worthless by noon is skipped, not sent at 17:00 after an outage.
 */
export function dueTick(spec: DueSpec, now: Date, state: TickState, since: Date): DueTick | undefined {
  const tick = latestTick(spec, now);
  if (tick === undefined) return undefined;
  const late = spec.maxLateMs !== undefined && now.getTime() - tick.getTime() > spec.maxLateMs;
  const fresh: DueTick = late ? { tick, resend: false, tooLate: true } : { tick, resend: false };
  const { claimed, sent } = state;
  if (claimed === undefined) return tick.getTime() >= since.getTime() ? fresh : undefined;
  if (tick.getTime() > claimed.getTime()) return fresh;
  const unsent = sent === undefined || sent.getTime() < claimed.getTime();
  if (tick.getTime() === claimed.getTime() && unsent && !late) return { tick, resend: true };
  return undefined;
}
