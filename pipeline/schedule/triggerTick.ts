import { randomUUID } from 'node:crypto';
import type { Enqueued, TaskProducer } from '../producer/TaskProducer.js';
import { tickInput, type ScheduleDefinition } from './defineSchedule.js';

/**
 * The task id of a tick fired by hand: `<name>@manual-<time>-<random>`. A regular tick's is `<name>@<time>`
 * (an ISO time begins with a digit), so the two never collide, and two manual fires never share one either.
 */
export function manualTickTaskId(schedule: { readonly name: string }, at: Date): string {
  return `${schedule.name}@manual-${at.toISOString()}-${randomUUID().slice(0, 8)}`;
}

/**
 * Fires one tick of a schedule now, outside its cron times (`taskstream schedule trigger`): the payload the
 * schedule makes for `at`, sent once. The tick ledger is not touched: the regular ticks go on as before.
 */
export async function triggerTick(
  producer: TaskProducer,
  schedule: ScheduleDefinition,
  at = new Date(),
): Promise<Enqueued> {
  const { payload, key } = tickInput(schedule, at);
  return producer.enqueue(schedule.task, payload, { id: manualTickTaskId(schedule, at), key });
}
