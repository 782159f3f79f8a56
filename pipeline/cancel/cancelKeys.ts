/**
 * A task type's cancelled ids live in a sorted set `taskstream:cancel:<group>` (score: when the entry expires,
 * epoch ms), and `taskstream:cancel-count:<group>` counts the cancels ever made: a worker reads only the counter
 * once a fetch, and the set only when the counter moved, so a type with nothing cancelled costs one GET a fetch.
 */
export function cancelSetKey(groupId: string): string {
  return `taskstream:cancel:${groupId}`;
}

export function cancelCountKey(groupId: string): string {
  return `taskstream:cancel-count:${groupId}`;
}

/**
 * How long a cancelled id is kept: the task type's longest delay, plus the week a retry tier keeps its copies
 * (a task cancelled while its worker is down for days must still not run when the worker returns).
 */
export function cancelTtlMs(maxDelayMs: number | undefined): number {
  return (maxDelayMs ?? 0) + 7 * 86_400_000;
}
