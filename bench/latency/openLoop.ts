import { quantile } from '../quantile.js';

/**
 * The schedule every latency contender runs: one send per task on a fixed schedule that never waits for a send
 * or a completion (an open model, as request handlers enqueue). Each task carries the time it was due rather
 * than the time the loop got to it, so a sender that falls behind its schedule shows in the latency instead of
 * quietly lowering the rate.
 */

export interface LatencyResult {
  readonly contender: string;
  readonly ratePerSec: number;
  readonly samples: number;
  /** Tasks sent whose start was not seen within 30 s of the last send. */
  readonly missing: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Due time to the send's acknowledgement, p50 and p99: the part of the latency before the broker has it. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
}

/** A contender: sends `n` (due at `due`, epoch ms) and records each task's start latency in `starts`. */
export interface LatencyRun {
  send(n: number, due: number): Promise<unknown>;
  readonly starts: number[];
  close(): Promise<void>;
}

export async function measureOpenLoop(
  contender: string,
  run: LatencyRun,
  ratePerSec: number,
  seconds: number,
): Promise<LatencyResult> {
  const total = Math.round(ratePerSec * seconds);
  const startedAt = Date.now();
  const sends: Promise<unknown>[] = [];
  const acks: number[] = [];
  for (let n = 0; n < total; n++) {
    const due = Math.round(startedAt + (n * 1000) / ratePerSec);
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sends.push(run.send(n, due).then(() => acks.push(Date.now() - due)));
  }
  await Promise.all(sends);
  const deadline = Date.now() + 30_000;
  while (run.starts.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await run.close();
  const sorted = [...run.starts].sort((a, b) => a - b);
  const sortedAcks = acks.sort((a, b) => a - b);
  return {
    contender,
    ratePerSec,
    samples: sorted.length,
    missing: total - sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    p999Ms: quantile(sorted, 0.999),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    ackP50Ms: quantile(sortedAcks, 0.5),
    ackP99Ms: quantile(sortedAcks, 0.99),
  };
}
