import { HEADER } from '../task/headers.js';
import { DLQ_HEADER } from '../retry/handOffHeaders.js';
import type { OutgoingRecord } from '../kafka/records.js';

/** A delay tier: a topic whose every record waits exactly `delayMs` after it was written. */
export interface DelayTier {
  /** Part of the topic name, e.g. `10m` in `tasks.send-email.delay.10m`. */
  readonly name: string;
  readonly delayMs: number;
}

/** The longest delay a task type may declare (maxDelayMs): 30 days. */
export const MAX_DELAY_MS = 30 * 86_400_000;

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/**
 * The ladder of a hierarchical timing wheel made of topics. Each tier has one fixed delay, so every record in it
 * is due exactly that long after it was written: the tier is in due order by construction and a partition's
 * head is always the next one due. A task waits in the longest tier not longer than what is left of its wait,
 * then hops down. Steps of 4 to 7 keep the hops few (at most 38 for a wait up to 30 days, 6 for exactly 30 days) and
 * the names readable.
 */
export const DELAY_LADDER: readonly DelayTier[] = [
  { name: '1s', delayMs: S },
  { name: '5s', delayMs: 5 * S },
  { name: '30s', delayMs: 30 * S },
  { name: '2m', delayMs: 2 * M },
  { name: '10m', delayMs: 10 * M },
  { name: '1h', delayMs: H },
  { name: '6h', delayMs: 6 * H },
  { name: '1d', delayMs: D },
  { name: '7d', delayMs: 7 * D },
];

/** The tiers a task type accepting delays up to maxDelayMs needs: those not longer than it (at least the first). */
export function delayTiers(maxDelayMs: number | undefined): DelayTier[] {
  if (maxDelayMs === undefined) return [];
  return DELAY_LADDER.filter((t, i) => i === 0 || t.delayMs <= maxDelayMs);
}

/**
 * Where a wait of `remainingMs` goes next: the longest tier not longer than it, or undefined when it is shorter
 * than the shortest tier (it is then waited in memory by whoever holds the record, at most that long).
 */
export function delayTierFor(tiers: readonly DelayTier[], remainingMs: number): DelayTier | undefined {
  let chosen: DelayTier | undefined;
  for (const t of tiers) if (t.delayMs <= remainingMs) chosen = t;
  return chosen;
}

/** Hops a wait of `delayMs` takes through the tiers (writes to a tier topic), for the docs and tests. */
export function hopsFor(tiers: readonly DelayTier[], delayMs: number): number {
  let hops = 0;
  for (let left = delayMs, tier = delayTierFor(tiers, left); tier; tier = delayTierFor(tiers, left)) {
    left -= tier.delayMs;
    hops++;
  }
  return hops;
}

export function delayTopicOf(topic: string, tier: DelayTier): string {
  return `${topic}.delay.${tier.name}`;
}

/** The task's time, epoch ms, on a delayed task's records; a record without it runs when it comes. */
export function runAtOf(headers: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = headers[HEADER.runAt];
  if (text === undefined) return undefined;
  const runAt = Number(text);
  return Number.isFinite(runAt) ? runAt : undefined;
}

/**
 * The record of a delayed task's next step: the tier that fits what is left of its wait, due exactly one tier
 * delay from now; or, with less left than the shortest tier, the task's own topic (its reader waits the rest in
 * memory). Keeps every header, the task's id among them, so a hop is the same task.
 */
export function delayedRecord(
  base: OutgoingRecord,
  taskTopic: string,
  tiers: readonly DelayTier[],
  runAt: number,
  now: number,
): OutgoingRecord {
  const headers: Record<string, string> = { ...base.headers, [HEADER.runAt]: String(runAt) };
  const tier = delayTierFor(tiers, runAt - now);
  if (tier === undefined) {
    delete headers[DLQ_HEADER.notBefore];
    return { ...base, topic: taskTopic, headers };
  }
  headers[DLQ_HEADER.notBefore] = String(now + tier.delayMs);
  return { ...base, topic: delayTopicOf(taskTopic, tier), headers };
}
