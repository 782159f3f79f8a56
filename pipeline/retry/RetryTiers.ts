import type { RetryPolicy } from './RetryPolicy.js';

export interface RetryTier {
  /** Part of the topic name, e.g. `10s` in `tasks.send-email.retry.10s`. */
  readonly name: string;
  readonly delayMs: number;
}

/**
 * The retry topics of a policy: a ladder from the minimum delay, ten times longer each step, ending at the
 * maximum (1 s, 10 s, 100 s, 5 min for the defaults). A retry goes to the longest tier not longer than its
 * backoff and waits there until its own not-before time, so a tier's head is never held up by much more than
 * the gap to the next tier.
 */
export function retryTiers(policy: RetryPolicy): RetryTier[] {
  const tiers: number[] = [];
  for (let d = Math.max(1, policy.minDelayMs); d < policy.maxDelayMs && tiers.length < 8; d *= 10) tiers.push(d);
  tiers.push(Math.max(1, policy.maxDelayMs));
  return [...new Set(tiers)].map((delayMs) => ({ name: durationName(delayMs), delayMs }));
}

export function tierFor(tiers: readonly RetryTier[], delayMs: number): RetryTier {
  let chosen = tiers[0] as RetryTier;
  for (const t of tiers) if (t.delayMs <= delayMs) chosen = t;
  return chosen;
}

export function retryTopicOf(topic: string, tier: RetryTier): string {
  return `${topic}.retry.${tier.name}`;
}

function durationName(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
