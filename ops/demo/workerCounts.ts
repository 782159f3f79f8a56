/** What the workers report of one task type, from their Prometheus counters. */
export interface TypeCounts {
  /** tasks_completed_total: done at their offset. */
  completed: number;
  /** tasks_retried_total: failed attempts that will run again (in place or through a retry tier). */
  retried: number;
  /** tasks_dead_lettered_total: copied to the dead-letter topic. */
  deadLettered: number;
}

const FIELDS: Record<string, keyof TypeCounts> = {
  taskstream_tasks_completed_total: 'completed',
  taskstream_tasks_retried_total: 'retried',
  taskstream_tasks_dead_lettered_total: 'deadLettered',
};

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)/;
const TYPE_LABEL = /(?:^|,)type="((?:[^"\\]|\\.)*)"/;

/**
 * Pure: adds the task counters of one `/metrics` page (Prometheus text format) into `into`, per task type,
 * summing over the other labels (a retry's `via`, a dead letter's `code`).
 */
export function addWorkerCounts(metrics: string, into: Map<string, TypeCounts>): Map<string, TypeCounts> {
  for (const line of metrics.split('\n')) {
    const m = SAMPLE.exec(line);
    const field = m && FIELDS[m[1] as string];
    if (!m || !field) continue;
    const type = TYPE_LABEL.exec(m[2] as string)?.[1];
    const value = Number(m[3]);
    if (type === undefined || !Number.isFinite(value)) continue;
    const counts = into.get(type) ?? { completed: 0, retried: 0, deadLettered: 0 };
    counts[field] += value;
    into.set(type, counts);
  }
  return into;
}

/** One worker's counters from its `/metrics`, or undefined when it does not answer within 3 s. */
export async function scrapeWorker(url: string): Promise<Map<string, TypeCounts> | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return undefined;
    return addWorkerCounts(await res.text(), new Map());
  } catch {
    return undefined;
  }
}
