/**
 * Benchmarks that print tables (or one JSON object with --json). Never used for assertions.
 *   npm run bench -- runtime [--count 200000] [--rounds 3] [--rates 200,1000,5000] [--seconds 10] [--json] [--profile]
 *     [--no-jvm]
 *   npm run bench -- options [--count 20000] [--rounds 3] [--json]
 *   npm run bench -- backlog [--count 1000000] [--seconds 300] [--flags "none;--max-semi-space-size=4"] [--json]
 *   npm run bench -- latency [--rates 200,1000,5000] [--seconds 10] [--json]
 *   npm run bench -- producer [--count 200000] [--chunk 10000] [--callers 1000] [--rounds 3] [--json]
 *   npm run bench -- core [--count 400000] [--rounds 5] [--json]   (the runtime alone; needs no services)
 *   npm run bench -- report [--rows 1000000] [--chunk 10000] [--rounds 3] [--json]   (PostgreSQL only)
 *   npm run bench -- resize [--images 32] [--threads 1,2] [--rounds 3] [--json]
 *   npm run bench -- delay [--count 20000] [--spread 120] [--lead 10] [--json]
 *   npm run bench -- waiting [--count 1000000] [--wait 3600-21600] [--seconds 300] [--trickle 20] [--json]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ensureStack } from '../ops/demo/ensureStack.js';
import { backlogBench } from './backlog/backlogBench.js';
import { coreBench } from './core/coreBench.js';
import { delayBench } from './delay/delayBench.js';
import { waitingBench } from './delay/waitingBench.js';
import { producerBench } from './producer/producerBench.js';
import { reportBench } from './report/reportBench.js';
import { resizeBench } from './resize/resizeBench.js';
import { optionsBench } from './options/optionsBench.js';
import { measureLatencies, writeLatencyTable } from './latency/latencyBench.js';
import { runtimeBench } from './runtime/runtimeBench.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const program = new Command('bench').exitOverride();
program
  .command('runtime')
  .description('end-to-end throughput of no-op tasks against a bare kafkajs consumer, and enqueue-to-start latency')
  .option('--count <n>', 'tasks to drain', '200000')
  .option('--rounds <n>', 'drains per contender; the median is reported', '3')
  .option('--rates <list>', 'tasks per second of each latency run (0: no latency runs)', '200,1000,5000')
  .option('--seconds <n>', 'length of each latency run', '10')
  .option('--profile', 'profile every Kafka contender in the last round (bench/out/) and print where the time went')
  .option('--json', 'print one JSON object')
  .option('--no-jvm', 'leave out the JVM peers (Confluent Parallel Consumer, Kafka ConsumerPerformance)')
  .action(
    async (opts: {
      count: string;
      rounds: string;
      rates: string;
      seconds: string;
      profile?: boolean;
      json?: boolean;
      jvm: boolean;
    }) => {
      await ensureStack((line) => process.stderr.write(`stack ${line}\n`));
      await runtimeBench({
        count: Number(opts.count),
        rounds: Number(opts.rounds),
        rates: rateList(opts.rates),
        seconds: Number(opts.seconds),
        profileDir: opts.profile ? path.join(here, 'out') : undefined,
        json: Boolean(opts.json),
        jvm: opts.jvm,
      });
    },
  );
program
  .command('options')
  .description(
    'what a lock per task, a shared rate limit and a per-key rate limit cost a drain, against the plain worker',
  )
  .option('--count <n>', 'tasks to drain (a shared rate limit drains ~200/s)', '20000')
  .option('--rounds <n>', 'drains per contender; the median is reported', '3')
  .option('--json', 'print one JSON object')
  .action(async (opts: { count: string; rounds: string; json?: boolean }) => {
    await ensureStack((line) => process.stderr.write(`stack ${line}\n`));
    await optionsBench({ count: Number(opts.count), rounds: Number(opts.rounds), json: Boolean(opts.json) });
  });
program
  .command('backlog')
  .description('memory (RSS, heap) of a worker with the default bounds under a backlog it cannot keep up with')
  .option('--count <n>', 'tasks enqueued before the worker starts', '1000000')
  .option('--seconds <n>', 'how long each worker runs, sampled every second', '300')
  .option('--flags <list>', 'Node flags of each run, runs separated by ";" ("none": no flags)', 'none')
  .option('--json', 'print one JSON object')
  .action(async (opts: { count: string; seconds: string; flags: string; json?: boolean }) => {
    await ensureStack((line) => process.stderr.write(`stack ${line}\n`));
    await backlogBench({
      count: Number(opts.count),
      seconds: Number(opts.seconds),
      variants: opts.flags.split(';').map((v) => (v.trim() === 'none' ? [] : v.trim().split(/\s+/))),
      json: Boolean(opts.json),
    });
  });
program
  .command('latency')
  .description('enqueue-to-start latency (p50, p99, p99.9) at several steady rates')
  .option('--rates <list>', 'tasks per second of each run', '200,1000,5000')
  .option('--seconds <n>', 'length of each run', '10')
  .option('--json', 'print one JSON object')
  .action(async (opts: { rates: string; seconds: string; json?: boolean }) => {
    await ensureStack((line) => process.stderr.write(`stack ${line}\n`));
    const seconds = Number(opts.seconds);
    const results = await measureLatencies(`bench-${Date.now()}`, rateList(opts.rates), seconds);
    if (opts.json) process.stdout.write(`${JSON.stringify({ seconds, latency: results })}\n`);
    else writeLatencyTable(results, seconds);
  });
program
  .command('core')
  .description('the worker runtime alone, fed by an in-process stand-in for Kafka: its own cost per task')
  .option('--count <n>', 'tasks per drain', '400000')
  .option('--rounds <n>', 'drains per contender; the median is reported', '5')
  .option('--json', 'print one JSON object')
  .action(async (opts: { count: string; rounds: string; json?: boolean }) => {
    await coreBench({ count: Number(opts.count), rounds: Number(opts.rounds), json: Boolean(opts.json) });
  });
program
  .command('producer')
  .description('enqueue throughput: enqueueMany, concurrent single enqueues and a bare kafkajs producer')
  .option('--count <n>', 'tasks per contender and round', '200000')
  .option('--chunk <n>', 'tasks per enqueueMany call', '10000')
  .option('--callers <n>', 'concurrent callers of single enqueues', '1000')
  .option('--rounds <n>', 'rounds, contenders taking turns; the median is reported', '3')
  .option('--json', 'print one JSON object')
  .action(async (opts: { count: string; chunk: string; callers: string; rounds: string; json?: boolean }) => {
    await ensureStack((line) => process.stderr.write(`stack ${line}\n`));
    await producerBench({
      count: Number(opts.count),
      chunk: Number(opts.chunk),
      callers: Number(opts.callers),
      rounds: Number(opts.rounds),
      json: Boolean(opts.json),
    });
  });
program
  .command('report')
  .description('generate-report with a checkpoint per chunk against the same report without checkpoints')
  .option('--rows <n>', 'rows in the report', '1000000')
  .option('--chunk <n>', 'rows per chunk (and checkpoint)', '10000')
  .option('--rounds <n>', 'rounds, contenders taking turns; the median is reported', '3')
  .option('--json', 'print one JSON object')
  .action(async (opts: { rows: string; chunk: string; rounds: string; json?: boolean }) => {
    await reportBench({
      rows: Number(opts.rows),
      chunkRows: Number(opts.chunk),
      rounds: Number(opts.rounds),
      json: Boolean(opts.json),
    });
  });
program
  .command('resize')
  .description('images per second of the shipped resize-image handler through a worker, by thread-pool size')
  .option('--images <n>', 'resize tasks per drain', '32')
  .option('--threads <list>', 'pool sizes to compare', '1,2')
  .option('--rounds <n>', 'drains per pool size; the median is reported', '3')
  .option('--size <WxH>', 'the source JPEG', '3000x2000')
  .option('--widths <list>', 'widths each task asks for', '1600,800,400,200')
  .option('--json', 'print one JSON object')
  .action(
    async (opts: { images: string; threads: string; rounds: string; size: string; widths: string; json?: boolean }) => {
      const [width, height] = opts.size.split('x').map(Number);
      await ensureStack((line) => process.stderr.write(`stack ${line}\n`));
      await resizeBench({
        images: Number(opts.images),
        threads: opts.threads.split(',').map(Number),
        rounds: Number(opts.rounds),
        width: width ?? 3000,
        height: height ?? 2000,
        widths: opts.widths.split(',').map(Number),
        json: Boolean(opts.json),
      });
    },
  );
program
  .command('delay')
  .description('precision of delayed tasks: how late each starts after its time, p50/p90/p99')
  .option('--count <n>', 'delayed tasks', '20000')
  .option('--spread <seconds>', 'their times spread over this long', '120')
  .option('--lead <seconds>', 'the first time this long after the enqueue', '10')
  .option('--json', 'print one JSON object')
  .action(async (opts: { count: string; spread: string; lead: string; json?: boolean }) => {
    await ensureStack((line) => process.stderr.write(`stack ${line}\n`));
    await delayBench({
      count: Number(opts.count),
      spreadSeconds: Number(opts.spread),
      leadSeconds: Number(opts.lead),
      json: Boolean(opts.json),
    });
  });
program
  .command('waiting')
  .description('memory of a worker while delayed tasks wait, and how late tasks due meanwhile start')
  .option('--count <n>', 'delayed tasks enqueued before the worker starts', '1000000')
  .option('--wait <from-to>', 'seconds from enqueue to their times, drawn evenly at random', '3600-21600')
  .option('--seconds <n>', 'how long the worker runs, sampled every second', '300')
  .option('--trickle <n>', 'tasks per second due 2-10 s after their enqueue, sent while the worker runs', '20')
  .option('--json', 'print one JSON object')
  .action(async (opts: { count: string; wait: string; seconds: string; trickle: string; json?: boolean }) => {
    const [from, to] = opts.wait.split('-').map(Number);
    if (!(from !== undefined && to !== undefined && from >= 1 && to > from)) {
      return program.error(`bench: --wait takes <from>-<to> seconds with 1 <= from < to, got ${opts.wait}`, {
        exitCode: 2,
      });
    }
    await ensureStack((line) => process.stderr.write(`stack ${line}\n`));
    await waitingBench({
      count: Number(opts.count),
      waitFromS: from,
      waitToS: to,
      seconds: Number(opts.seconds),
      trickleRate: Number(opts.trickle),
      json: Boolean(opts.json),
    });
  });

/** "200,1000,5000" as numbers; "0" or "" as none. */
function rateList(list: string): number[] {
  return list
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { exitCode?: number; code?: string };
  process.exitCode = e.code?.startsWith('commander.') ? (e.exitCode === 0 ? 0 : 2) : 1;
  if (!e.code?.startsWith('commander.')) process.stderr.write(`bench: ${(err as Error).message}\n`);
}
