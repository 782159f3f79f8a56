/**
 * The baselines: bare kafkajs consumers draining a topic, decoding each record with the same cached reader.
 * - batch: eachBatch, decode only, commit per batch (the reference the issue names).
 * - message: eachMessage with an async handler, as most kafkajs applications are written.
 * Prints one JSON line: { tasks, ms, perSec, cpuUsPerTask, maxRssMb }. Args: <topic> <count> <batch|message>.
 */
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { unframe } from '../../pipeline/codec/ConfluentFrame.js';
import { RegistryClient } from '../../pipeline/codec/RegistryClient.js';
import { RssSampler } from './RssSampler.js';

const [topic, countArg, mode = 'batch'] = process.argv.slice(2);
const count = Number(countArg);
const registry = new RegistryClient();
const kafka = new Kafka({
  clientId: 'bench-bare',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId: `bench-bare-${mode}-${Date.now()}`, maxWaitTimeInMs: 100 });
const rss = new RssSampler();
let seen = 0;
let started = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;
let finish: () => void = () => undefined;
const done = new Promise<void>((r) => (finish = r));

async function decode(m: KafkaMessage): Promise<unknown> {
  if (started === 0) {
    started = performance.now();
    cpuAtStart = process.cpuUsage();
  }
  const { schemaId, body } = unframe(m.value);
  return (await registry.writerType(schemaId)).fromBuffer(body);
}

await consumer.connect();
await consumer.subscribe({ topic: topic as string, fromBeginning: true });
await consumer.run(
  mode === 'message'
    ? {
        partitionsConsumedConcurrently: 6,
        eachMessage: async ({ message }) => {
          await decode(message);
          if (++seen >= count) finish();
        },
      }
    : {
        partitionsConsumedConcurrently: 6,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            await decode(m);
            seen++;
          }
          if (seen >= count) finish();
        },
      },
);
await done;
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuAtStart);
await consumer.disconnect();
process.stdout.write(
  `${JSON.stringify({ tasks: seen, ms, perSec: (seen / ms) * 1000, cpuUsPerTask: (cpu.user + cpu.system) / seen, maxRssMb: rss.stop() })}\n`,
);
