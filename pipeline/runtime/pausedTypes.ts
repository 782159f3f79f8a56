import type { Redis } from 'ioredis';

/**
 * Where a task type's pause lives: one Redis key per worker group (`<groupPrefix>.<type>`), so every worker
 * instance of that group, and one started later, reads the same state. Its value says who paused it and when.
 */
export function pausedKey(group: string): string {
  return `taskstream:paused:${group}`;
}

export interface PauseMark {
  /** ISO time of the pause. */
  readonly at: string;
  /** Who asked for it (`cli`, `dashboard`, …), for the operator reading it later. */
  readonly by: string;
}

export async function pauseGroup(redis: Redis, group: string, by: string): Promise<void> {
  const mark: PauseMark = { at: new Date().toISOString(), by };
  await redis.set(pausedKey(group), JSON.stringify(mark));
}

export async function resumeGroup(redis: Redis, group: string): Promise<void> {
  await redis.del(pausedKey(group));
}

/** The pause of each group (null: not paused), in the order given. */
export async function readPauses(redis: Redis, groups: readonly string[]): Promise<(PauseMark | null)[]> {
  if (groups.length === 0) return [];
  const values = await redis.mget(...groups.map(pausedKey));
  return values.map((v) => {
    if (v === null) return null;
    try {
      return JSON.parse(v) as PauseMark;
    } catch {
      // Set by hand (`SET taskstream:paused:<group> 1`): still a pause.
      return { at: '', by: v };
    }
  });
}
