import { createLogger, TaskProducer } from '../../pipeline/index.js';
import { bareKafka, bareProducer, registryLibrary } from '../bareKafkajs.js';
import { benchTask } from '../runtime/benchTask.js';
import type { LatencyRun } from './openLoop.js';

interface Payload {
  n: number;
  key: string;
  sentAt: number;
}

/**
 * The transport without taskstream, as an application would write it: a kafkajs producer with the same settings
 * (idempotent, acks=all, one request in flight) awaiting `send` per task, values encoded with
 * @kafkajs/confluent-schema-registry, and a kafkajs consumer with the worker's fetch wait (100 ms) decoding
 * each message in `eachMessage`. No ordering, no dedupe, no commit bookkeeping beyond kafkajs's own.
 */
export async function bareKafkajsLatency(name: string): Promise<LatencyRun> {
  const task = benchTask(name);
  const logger = createLogger();
  logger.level = 'warn';
  const setup = new TaskProducer({ logger });
  await setup.prepare(task); // the topic (6 partitions) and the schema, as for the taskstream contender
  await setup.close();
  const registry = registryLibrary();
  const schemaId = await registry.getLatestSchemaId(task.subject);
  const kafka = bareKafka('bench-bare-latency');
  const producer = bareProducer(kafka);
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `bench-bare-lat-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: task.topic, fromBeginning: true });
  const starts: number[] = [];
  let joined: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachMessage: async ({ message }) => {
      const t = (await registry.decode(message.value as Buffer)) as Payload;
      starts.push(Date.now() - t.sentAt);
    },
  });
  await ready;
  return {
    starts,
    send: async (n, due) => {
      const value = await registry.encode(schemaId, { n, key: `k${n % 100}`, sentAt: due });
      await producer.send({ topic: task.topic, acks: -1, messages: [{ key: `k${n % 100}`, value }] });
    },
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
