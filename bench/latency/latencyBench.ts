import { bareKafkajsLatency } from './bareKafkajsLatency.js';
import { bullmqLatency } from './bullmqLatency.js';
import { measureOpenLoop, type LatencyResult, type LatencyRun } from './openLoop.js';
import { taskstreamLatency } from './taskstreamLatency.js';

export type { LatencyResult } from './openLoop.js';

const CONTENDERS: readonly { name: string; setup: (name: string) => Promise<LatencyRun> }[] = [
  { name: 'taskstream (dedupe on, the default)', setup: (name) => taskstreamLatency(name, true) },
  { name: 'taskstream (dedupe off)', setup: (name) => taskstreamLatency(name, false) },
  { name: 'bare kafkajs', setup: bareKafkajsLatency },
  { name: 'BullMQ', setup: bullmqLatency },
];

/**
 * Each rate, each contender in turn (interleaved, so a noisy minute hurts them alike), each on a topic, consumer
 * group or queue of its own.
 */
export async function measureLatencies(
  name: string,
  rates: readonly number[],
  seconds: number,
): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  for (const rate of rates) {
    for (const [i, c] of CONTENDERS.entries()) {
      process.stderr.write(`latency: ${c.name} at ${rate}/s for ${seconds} s…\n`);
      const run = await c.setup(`${name}-lat${rate}-${i}`);
      results.push(await measureOpenLoop(c.name, run, rate, seconds));
    }
  }
  return results;
}

export function writeLatencyTable(results: readonly LatencyResult[], seconds: number): void {
  process.stdout.write(
    `\nenqueue-to-start latency: one send per task on a fixed schedule for ${seconds} s per rate (never waiting ` +
      `for a send or a completion), no-op handler, producer and consumer in one process; the last column is due ` +
      `time to the send's acknowledgement (the part spent before the broker or Redis has the task):\n\n`,
  );
  process.stdout.write(
    '| contender | tasks/s | p50 | p99 | p99.9 | max | samples | acknowledged p50 / p99 |\n' +
      '|---|---:|---:|---:|---:|---:|---:|---:|\n',
  );
  for (const r of results) {
    const missing = r.missing > 0 ? ` (${r.missing} not started)` : '';
    process.stdout.write(
      `| ${r.contender} | ${r.ratePerSec} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.p999Ms} ms | ${r.maxMs} ms | ` +
        `${r.samples}${missing} | ${r.ackP50Ms} / ${r.ackP99Ms} ms |\n`,
    );
  }
}
