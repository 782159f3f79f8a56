/**
 * The baseline: a bare kafkajs consumer (eachBatch, decode only, commit per batch) draining a topic.
 * Prints one JSON line: { tasks, ms, perSec, maxRssMb }. Args: <topic> <count> <registryUrl>.
 */
import { Kafka, logLevel } from 'kafkajs';
import { RegistryClient } from '../../pipeline/codec/RegistryClient.js';
import { unframe } from '../../pipeline/codec/ConfluentFrame.js';
import { RssSampler } from './RssSampler.js';

const [topic, countArg] = process.argv.slice(2);
const count = Number(countArg);
const registry = new RegistryClient();
const kafka = new Kafka({
  clientId: 'bench-bare',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId: `bench-bare-${Date.now()}`, maxWaitTimeInMs: 100 });
const rss = new RssSampler();
let seen = 0;
let started = 0;
let finish: () => void = () => undefined;
const done = new Promise<void>((r) => (finish = r));
await consumer.connect();
await consumer.subscribe({ topic: topic as string, fromBeginning: true });
await consumer.run({
  partitionsConsumedConcurrently: 6,
  eachBatch: async ({ batch }) => {
    if (started === 0) started = performance.now();
    for (const m of batch.messages) {
      const { schemaId, body } = unframe(m.value);
      const type = await registry.writerType(schemaId);
      type.fromBuffer(body);
      seen++;
    }
    if (seen >= count) finish();
  },
});
await done;
const ms = performance.now() - started;
await consumer.disconnect();
process.stdout.write(`${JSON.stringify({ tasks: seen, ms, perSec: (seen / ms) * 1000, maxRssMb: rss.stop() })}\n`);
