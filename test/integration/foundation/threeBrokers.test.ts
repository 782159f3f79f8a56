// Guarantee: with three brokers (RF 3, min.insync 2), producing and consuming go on after one broker is killed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownsProcesses, threeNodeStack } from '../../support/localStack.js';
import { rawKafka, startReading } from '../../support/readTopic.js';
import { onCleanup, uniqueName } from '../../support/resources.js';

describe.runIf(ownsProcesses())('three-broker cluster (needs the local stack)', () => {
  const stack = threeNodeStack();

  beforeAll(async () => {
    await stack.up({ registry: false });
  });

  afterAll(async () => {
    await stack.down();
    // Redis is shared with the single-node stack; the cluster's down must not have touched it.
  });

  it('keeps every acknowledged record after one broker is killed', async () => {
    const brokerList = stack.bootstrap.split(',');
    const kafka = rawKafka(brokerList);
    const topic = uniqueName('rf3');
    const admin = kafka.admin();
    await admin.connect();
    onCleanup(() => admin.disconnect());
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] },
      ],
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    onCleanup(() => producer.disconnect());

    // The observer joins before the fault: with RF 3, the group coordinator's topic cannot be created on 2 nodes.
    const reader = await startReading(topic, brokerList);
    const acked: string[] = [];
    const sendRange = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += 100) {
        const batch = Array.from({ length: 100 }, (_, j) => ({ key: `k${(i + j) % 7}`, value: `m${i + j}` }));
        await producer.send({ topic, acks: -1, messages: batch });
        acked.push(...batch.map((m) => m.value));
      }
    };
    await sendRange(0, 2000);
    const victim = stack.nodes[1];
    victim?.process.signal('SIGKILL');
    await sendRange(2000, 4000);

    const seen = await reader.until(acked.length);
    const values = new Set(seen.map((r) => r.value?.toString()));
    expect(acked.filter((v) => !values.has(v))).toEqual([]);
    expect(seen.length).toBe(acked.length); // the idempotent producer wrote no duplicates
  });
});
