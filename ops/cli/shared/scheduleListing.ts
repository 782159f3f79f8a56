import type { Redis } from 'ioredis';
import {
  isSchedulerGroup,
  leaseHolder,
  nextTicks,
  readTickState,
  type ScheduleDefinition,
} from '../../../pipeline/schedule/index.js';
import { UsageError } from '../UsageError.js';

/** What `schedule list --json` prints and the dashboard shows: times are ISO 8601 in UTC, null when there is none. */
export interface ScheduleListing {
  readonly group: string;
  /** The instance firing this group's schedules (host:pid:suffix), or null when none holds the lease. */
  readonly leaseHolder: string | null;
  readonly schedules: readonly {
    readonly name: string;
    readonly cron: string;
    readonly timezone: string;
    readonly task: string;
    readonly next: readonly string[];
    readonly lastFired: string | null;
    /** A missed tick later than this is skipped, not sent (null: fires however late). */
    readonly maxLateMs: number | null;
  }[];
}

/** The schedules with their next three ticks, and from Redis the group's lease holder and each last fired tick. */
export async function listSchedules(
  redis: Redis,
  schedules: readonly ScheduleDefinition[],
  group: string,
  now = new Date(),
): Promise<ScheduleListing> {
  return {
    group,
    leaseHolder: (await leaseHolder(redis, group)) ?? null,
    schedules: await Promise.all(
      schedules.map(async (s) => ({
        name: s.name,
        cron: s.cron,
        timezone: s.timezone,
        task: s.task.name,
        next: nextTicks(s, now, 3).map((d) => d.toISOString()),
        lastFired: (await readTickState(redis, group, s.name)).sent?.toISOString() ?? null,
        maxLateMs: s.maxLateMs ?? null,
      })),
    ),
  };
}

/** A scheduler group given on the command line (`option` names the flag), checked as the Scheduler checks it. */
export function schedulerGroupArg(option: string, value: string): string {
  if (!isSchedulerGroup(value))
    throw new UsageError(`${option} "${value}" may hold only letters, digits, '.', '_' and '-'`);
  return value;
}
