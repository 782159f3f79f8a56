/**
 * The baselines: bare kafkajs consumers draining a topic, decoding each record with the same cached reader.
 * - batch: eachBatch, decode only, commit per batch (the reference the issue names).
 * - message: eachMessage with an async handler, as most kafkajs applications are written.
 * Prints one JSON line: { tasks, ms, perSec, cpuUsPerTask, maxRssMb }. Args: <topic> <count> <batch|message>.
 */
import type avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import { unframe } from '../../pipeline/codec/ConfluentFrame.js';
import { RegistryClient } from '../../pipeline/codec/RegistryClient.js';
import { bareKafka } from '../bareKafkajs.js';
import { RssSampler } from './RssSampler.js';

const [topic, countArg, mode = 'batch'] = process.argv.slice(2);
const count = Number(countArg);
const registry = new RegistryClient();
const kafka = bareKafka('bench-bare');
const consumer = kafka.consumer({ groupId: `bench-bare-${mode}-${Date.now()}`, maxWaitTimeInMs: 100 });
const rss = new RssSampler();
let seen = 0;
let started = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;
let finish: () => void = () => undefined;
const done = new Promise<void>((r) => (finish = r));

/** Writer types by schema id, so a known id decodes without awaiting anything (as taskstream's codec does). */
const types = new Map<number, avro.Type>();

function decode(m: KafkaMessage): unknown {
  const { schemaId, body } = unframe(m.value);
  const type = types.get(schemaId);
  return type ? type.fromBuffer(body) : loadThenDecode(schemaId, body);
}

async function loadThenDecode(schemaId: number, body: Buffer): Promise<unknown> {
  const type = await registry.writerType(schemaId);
  types.set(schemaId, type);
  return type.fromBuffer(body);
}

// Timed from the assignment, before the first fetch, as the worker is (see workerDrain.ts).
consumer.on(consumer.events.GROUP_JOIN, () => {
  if (started !== 0) return;
  started = performance.now();
  cpuAtStart = process.cpuUsage();
});
await consumer.connect();
await consumer.subscribe({ topic: topic as string, fromBeginning: true });
await consumer.run(
  mode === 'message'
    ? {
        partitionsConsumedConcurrently: 6,
        eachMessage: async ({ message }) => {
          const payload = decode(message);
          if (payload instanceof Promise) await payload;
          if (++seen >= count) finish();
        },
      }
    : {
        partitionsConsumedConcurrently: 6,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const payload = decode(m);
            if (payload instanceof Promise) await payload;
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
