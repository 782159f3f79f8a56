import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import { bareKafka, bareProducer, registryLibrary } from '../bareKafkajs.js';
import { RegistryClient } from '../../pipeline/codec/RegistryClient.js';
import { TaskCodec } from '../../pipeline/codec/TaskCodec.js';
import { createLogger, TaskProducer, type EnqueueManyOptions } from '../../pipeline/index.js';
import { percentOf, range, round3 } from '../ratios.js';
import { median as medianOf, pairedRatios } from '../rounds.js';
import { benchTask } from '../runtime/benchTask.js';

/**
 * Producer throughput, all contenders in one process and one run, taking turns round by round so that a
 * noisy neighbour on this machine hurts them alike: enqueueMany, concurrent single enqueues (the linger
 * batcher), and a bare kafkajs producer with the same settings (idempotent, acks -1, no compression, the
 * default partitioner) sending values encoded before the clock starts. Wall time and the process's CPU time
 * are both reported: CPU per task is the steadier figure here. Delayed tasks: enqueueMany with one `delayMs` for
 * all and with a delay per task, each against the plain enqueueMany of the same round (what a delay costs per
 * task: the tier chosen, two more headers, in CPU µs).
 */
export interface ProducerBenchOptions {
  readonly count: number;
  /** Tasks per enqueueMany call. */
  readonly chunk: number;
  /** Concurrent callers of single enqueues. */
  readonly callers: number;
  readonly rounds: number;
  readonly json: boolean;
}

interface Sample {
  readonly perSec: number;
  readonly cpuUsPerTask: number;
}

interface Contender {
  readonly name: string;
  /** A delayed enqueueMany, compared with the plain one round by round. */
  readonly delayed?: boolean;
  /** Work kept off the clock (the bare producer's encoding). */
  prepare?(from: number): void;
  run(from: number): Promise<void>;
}

type Payload = { n: number; key: string; sentAt: number };

const REQUEST_SIZE = 1000; // TaskProducer's default maxBatch: the records in one of its produce requests
const HOUR = 3_600_000;
/** Delays of 1-6 h all wait in the 1h tier: one topic, as the plain rows have. */
const MAX_DELAY_MS = 6 * HOUR;

export async function producerBench(o: ProducerBenchOptions): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const task = benchTask(`bench-producer-${Date.now()}`, { maxDelayMs: MAX_DELAY_MS });
  const logger = createLogger();
  logger.level = 'warn';
  const producer = new TaskProducer({ logger });
  await producer.prepare(task); // creates the topics (6 partitions, with the delay tiers) and registers the schema
  const codec = new TaskCodec(task, new RegistryClient());
  await codec.prepare();
  const payloads = (from: number, n: number): Payload[] =>
    Array.from({ length: n }, (_, i) => ({ n: from + i, key: `k${(from + i) % 1000}`, sentAt: Date.now() }));

  const bare = bareProducer(bareKafka('bench-bare-producer'));
  await bare.connect();
  const csr = registryLibrary();
  const schemaId = await csr.getLatestSchemaId(task.subject);

  const enqueueManyRun =
    (delay: (n: number) => EnqueueManyOptions) =>
    async (from: number): Promise<void> => {
      for (let i = 0; i < o.count; i += o.chunk) {
        const n = Math.min(o.chunk, o.count - i);
        await producer.enqueueMany(task, payloads(from + i, n), delay(n));
      }
    };
  const calls = `calls of ${o.chunk.toLocaleString('en')}`;
  const contenders: Contender[] = [
    { name: `taskstream enqueueMany (${calls})`, run: enqueueManyRun(() => ({})) },
    {
      name: `taskstream enqueueMany, one delayMs (2 h) for all (${calls})`,
      delayed: true,
      run: enqueueManyRun(() => ({ delayMs: 2 * HOUR })),
    },
    {
      name: `taskstream enqueueMany, a delay per task (1-6 h, delays) (${calls})`,
      delayed: true,
      run: enqueueManyRun((n) => ({
        delays: Array.from({ length: n }, () => ({ delayMs: HOUR + Math.floor(Math.random() * 5 * HOUR) })),
      })),
    },
    {
      name: `taskstream enqueue, ${o.callers.toLocaleString('en')} concurrent callers`,
      run: async (from) => {
        let next = 0;
        const caller = async (): Promise<void> => {
          for (let i = next++; i < o.count; i = next++) {
            await producer.enqueue(task, { n: from + i, key: `k${(from + i) % 1000}`, sentAt: Date.now() });
          }
        };
        await Promise.all(Array.from({ length: o.callers }, caller));
      },
    },
    {
      // What an application writes without taskstream: the registry library's encoder, on the clock.
      name: `bare kafkajs sendBatch of ${REQUEST_SIZE.toLocaleString('en')}, encoding with @kafkajs/confluent-schema-registry`,
      run: async (from) => {
        const all = payloads(from, o.count);
        for (let i = 0; i < o.count; i += REQUEST_SIZE) {
          const chunk = all.slice(i, i + REQUEST_SIZE);
          const messages = await Promise.all(
            chunk.map(async (p) => ({ key: p.key, value: await csr.encode(schemaId, p) })),
          );
          await bare.sendBatch({
            acks: -1,
            compression: CompressionTypes.None,
            topicMessages: [{ topic: task.topic, messages }],
          });
        }
      },
    },
    ...[REQUEST_SIZE, o.chunk].map((size) =>
      bareContender(bare, task.topic, size, o.count, (from) =>
        payloads(from, o.count).map((p) => ({ key: p.key, value: codec.encode(p) })),
      ),
    ),
  ];

  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  for (let round = 1; round <= o.rounds; round++) {
    for (const c of contenders) {
      log(`round ${round}/${o.rounds}: ${c.name}…`);
      const from = (round - 1) * o.count;
      c.prepare?.(from);
      samples.get(c.name)?.push(await timed(o.count, () => c.run(from)));
    }
  }
  await bare.disconnect();
  await producer.close();
  const encodeUs = measureEncode(codec, payloads(0, Math.min(o.count, 100_000))); // warm by now

  const plain = samples.get(contenders[0]?.name ?? '') ?? [];
  const bareName = `bare kafkajs sendBatch of ${REQUEST_SIZE.toLocaleString('en')} (pre-encoded)`;
  const bareRow = median(samples.get(bareName) ?? []);
  const rows = contenders.map((c) => {
    const runs = samples.get(c.name) ?? [];
    const row = { name: c.name, ...median(runs), vsBare: round3(median(runs).perSec / bareRow.perSec) };
    if (!c.delayed) return row;
    // Paired with the plain enqueueMany of the same round, as the other benches pair their ratios.
    const costs = runs.map((run, i) => run.cpuUsPerTask - (plain[i] as Sample).cpuUsPerTask);
    const ratios = pairedRatios(runs, plain);
    return {
      ...row,
      vsPlain: { median: round3(medianOf(ratios)), range: range(ratios) },
      delayCpuUsPerTask: { median: Number(medianOf(costs).toFixed(2)), rounds: costs.map((c) => Number(c.toFixed(2))) },
    };
  });
  const result = {
    tasks: o.count,
    rounds: o.rounds,
    partitions: task.partitions,
    encodeUsPerTask: Number(encodeUs.toFixed(2)),
    contenders: rows,
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `\nproducer bench: ${o.count.toLocaleString('en')} tasks a round, ${task.partitions} partitions, 1,000 keys, ` +
      `idempotent, acks -1, median of ${o.rounds} rounds; a delayed row against the plain enqueueMany of the ` +
      `same round (tasks/s ratio, and the CPU µs a delay adds per task: median and each round's)\n\n`,
  );
  process.stdout.write(
    '| producer | tasks/s | CPU µs/task | vs bare 1,000 | vs enqueueMany | delay CPU µs/task |\n' +
      '|---|---:|---:|---:|---:|---:|\n',
  );
  for (const r of result.contenders) {
    const delayed =
      'vsPlain' in r
        ? [
            percentOf(pairedRatios(samples.get(r.name) ?? [], plain)),
            `${r.delayCpuUsPerTask.median.toFixed(1)} (${r.delayCpuUsPerTask.rounds.map((c) => c.toFixed(1)).join(', ')})`,
          ]
        : ['', ''];
    const cells = [r.name, r.perSec.toLocaleString('en'), r.cpuUsPerTask.toFixed(1), `${(r.vsBare * 100).toFixed(0)}%`];
    process.stdout.write(`| ${[...cells, ...delayed].join(' | ')} |\n`);
  }
  process.stdout.write(`\nvalidate + encode alone (TaskCodec.encode): ${result.encodeUsPerTask} µs/task\n`);
}

/** Sends values encoded before the clock starts, in requests of `size`, one at a time like TaskProducer. */
function bareContender(
  bare: Producer,
  topic: string,
  size: number,
  count: number,
  encode: (from: number) => Message[],
): Contender {
  let messages: Message[] = [];
  return {
    name: `bare kafkajs sendBatch of ${size.toLocaleString('en')} (pre-encoded)`,
    prepare: (from) => void (messages = encode(from)),
    run: async () => {
      for (let i = 0; i < count; i += size) {
        await bare.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [{ topic, messages: messages.slice(i, i + size) }],
        });
      }
    },
  };
}

async function timed(count: number, run: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { perSec: Math.round((count / ms) * 1000), cpuUsPerTask: (used.user + used.system) / count };
}

function measureEncode(codec: TaskCodec, payloads: readonly Payload[]): number {
  for (const p of payloads.slice(0, 1000)) codec.encode(p); // warm-up
  const t0 = performance.now();
  for (const p of payloads) codec.encode(p);
  return ((performance.now() - t0) * 1000) / payloads.length;
}

function median(samples: readonly Sample[]): Sample {
  const mid = <T>(xs: T[]): T => xs[Math.floor(xs.length / 2)] as T;
  return {
    perSec: mid(samples.map((s) => s.perSec).sort((a, b) => a - b)),
    cpuUsPerTask: Number(mid(samples.map((s) => s.cpuUsPerTask).sort((a, b) => a - b)).toFixed(1)),
  };
}
