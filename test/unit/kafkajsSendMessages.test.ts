// Specification of the patched kafkajs send path (patches/kafkajs+2.2.4.patch): per topic-partition outcomes.
// A fake cluster plays the broker failover of kafkajs #1303 step by step; kafkajs's own retrier drives the retries.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface PartitionAnswer {
  partition: number;
  errorCode: number;
  baseOffset: string;
  logAppendTime: string;
  logStartOffset: string;
}
interface ProduceRequest {
  topicData: { topic: string; partitions: { partition: number; firstSequence: number; messages: unknown[] }[] }[];
}
type Produce = (request: ProduceRequest) => Promise<{ topics: { topicName: string; partitions: PartitionAnswer[] }[] }>;
interface SendResult {
  topicName: string;
  partition: number;
  baseOffset: string;
}
type SendMessages = (args: {
  acks: number;
  topicMessages: { topic: string; messages: { key: string; value: string; partition: number }[] }[];
}) => Promise<SendResult[]>;

const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as (deps: object) => SendMessages;
const createRetry = require('kafkajs/src/retry/index.js') as (options: object) => unknown;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode(code: number): Error & { type: string; retriable: boolean };
};

const TOPIC = 't';
const MESSAGE_TOO_LARGE = 10;

function connectionError(): Error {
  const e = new Error('Connection error: broker died') as Error & { retriable: boolean };
  e.name = 'KafkaJSConnectionError';
  e.retriable = true;
  return e;
}

/** A broker that writes what it is sent into a log per partition and answers with base offsets. */
class FakeBroker {
  readonly requests: ProduceRequest[] = [];
  constructor(
    readonly nodeId: number,
    readonly logs: Map<number, unknown[]>,
    public produceHook?: Produce,
  ) {}

  produce: Produce = async (request) => {
    this.requests.push(structuredClone(request));
    if (this.produceHook) return this.produceHook(request);
    return this.write(request);
  };

  write(request: ProduceRequest, errors: ReadonlyMap<number, number> = new Map()) {
    return {
      topics: request.topicData.map(({ topic, partitions }) => ({
        topicName: topic,
        partitions: partitions.map(({ partition, messages }) => {
          const errorCode = errors.get(partition) ?? 0;
          const log = this.logs.get(partition) ?? [];
          this.logs.set(partition, log);
          const baseOffset = String(log.length);
          if (errorCode === 0) log.push(...messages);
          return { partition, errorCode, baseOffset, logAppendTime: '-1', logStartOffset: '0' };
        }),
      })),
    };
  }
}

/** Two brokers, partitions 0 and 1; `leaders` says who leads each, and `onRefresh` is the failover. */
function fakeCluster(leaders: Record<number, number>, onRefresh: () => void = () => {}) {
  const logs = new Map<number, unknown[]>();
  const brokers = new Map([1, 2].map((id) => [id, new FakeBroker(id, logs)]));
  const cluster = {
    targetTopics: new Set<string>(),
    refreshMetadataIfNecessary: async () => {},
    refreshMetadata: async () => onRefresh(),
    addMultipleTargetTopics: async () => {},
    isConnected: () => true,
    connect: async () => {},
    removeBroker: () => {},
    findTopicPartitionMetadata: () =>
      Object.entries(leaders).map(([partitionId, leader]) => ({ partitionId: Number(partitionId), leader })),
    findBroker: async ({ nodeId }: { nodeId: string | number }) => brokers.get(Number(nodeId)),
  };
  return { cluster, brokers, logs };
}

/** Sequence numbers per partition, as kafkajs's eosManager keeps them for an idempotent producer. */
function fakeEos() {
  const sequences = new Map<string, number>();
  const key = (topic: string, partition: number) => `${topic}/${partition}`;
  return {
    sequences,
    isTransactional: () => false,
    getTransactionalId: () => undefined,
    getProducerId: () => 1000,
    getProducerEpoch: () => 0,
    acquireBrokerLock: async () => {},
    releaseBrokerLock: async () => {},
    getSequence: (topic: string, partition: number) => sequences.get(key(topic, partition)) ?? 0,
    updateSequence: (topic: string, partition: number, n: number) =>
      sequences.set(key(topic, partition), (sequences.get(key(topic, partition)) ?? 0) + n),
  };
}

/** The error a send rejected with; fails the test if it resolved. */
async function rejection<E>(send: Promise<unknown>): Promise<E> {
  try {
    await send;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the send to be rejected');
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

function sendMessagesOver(cluster: object, eosManager: object): SendMessages {
  return createSendMessages({
    logger: silentLogger,
    cluster,
    eosManager,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
  });
}

const twoPartitions = [
  { key: 'a', value: 'a1', partition: 0 },
  { key: 'b', value: 'b1', partition: 1 },
  { key: 'a', value: 'a2', partition: 0 },
];

describe('kafkajs send path (taskstream patch)', () => {
  it('is the patched copy', () => {
    expect(require('kafkajs/src/producer/sendMessages.js')).toHaveProperty('patchedForPartitionOutcomes', true);
  });

  it('re-sends a partition whose leadership moved to a broker that had already answered (kafkajs #1303)', async () => {
    const leaders = { 0: 1, 1: 2 };
    const { cluster, brokers, logs } = fakeCluster(leaders, () => (leaders[0] = 2));
    (brokers.get(1) as FakeBroker).produceHook = async () => Promise.reject(connectionError());
    const send = sendMessagesOver(cluster, fakeEos());

    const results = await send({ acks: -1, topicMessages: [{ topic: TOPIC, messages: twoPartitions }] });

    expect(results.map((r) => [r.partition, r.baseOffset]).sort()).toEqual([
      [0, '0'],
      [1, '0'],
    ]);
    expect(logs.get(0)).toEqual([twoPartitions[0], twoPartitions[2]]);
    // Broker 2 answered for partition 1 on the first attempt and is not sent it again.
    expect(logs.get(1)).toEqual([twoPartitions[1]]);
  });

  it('retries a partition with the same first sequence, so a broker that wrote it can recognise the duplicate', async () => {
    const leaders = { 0: 1, 1: 2 };
    const { cluster, brokers } = fakeCluster(leaders);
    const broker1 = brokers.get(1) as FakeBroker;
    broker1.produceHook = async () => {
      broker1.produceHook = undefined; // dies once, with the request written or not
      throw connectionError();
    };
    const eos = fakeEos();
    await sendMessagesOver(cluster, eos)({ acks: -1, topicMessages: [{ topic: TOPIC, messages: twoPartitions }] });

    const firstSequences = broker1.requests.map((r) => r.topicData[0]?.partitions[0]?.firstSequence);
    expect(firstSequences).toEqual([0, 0]);
    expect(eos.getSequence(TOPIC, 0)).toBe(2);
    expect(eos.getSequence(TOPIC, 1)).toBe(1);
  });

  it('keeps the answers of partitions written in a request that another partition was refused in', async () => {
    const { cluster, brokers, logs } = fakeCluster({ 0: 1, 1: 1 });
    const broker = brokers.get(1) as FakeBroker;
    broker.produceHook = async (request) => {
      const response = broker.write(request, new Map([[1, MESSAGE_TOO_LARGE]]));
      // What the patched response parser does: throw the first partition's error, keeping the whole answer.
      throw Object.assign(createErrorFromCode(MESSAGE_TOO_LARGE), { produceResponse: response });
    };
    const eos = fakeEos();

    const failure = await rejection<{ type: string; produceResults: unknown }>(
      sendMessagesOver(cluster, eos)({ acks: -1, topicMessages: [{ topic: TOPIC, messages: twoPartitions }] }),
    );

    expect(failure.type).toBe('MESSAGE_TOO_LARGE');
    expect(failure.produceResults).toMatchObject({
      acknowledged: [{ topicName: TOPIC, partition: 0, baseOffset: '0' }],
      failed: [{ topicName: TOPIC, partition: 1, refused: true }],
    });
    expect(logs.get(0)).toHaveLength(2);
    // The refused partition is not retried, and its sequence numbers are given back; the written one's are kept.
    expect(broker.requests).toHaveLength(1);
    expect(eos.getSequence(TOPIC, 1)).toBe(0);
    expect(eos.getSequence(TOPIC, 0)).toBe(2);
  });

  it('reports a partition that never got an answer as failed and not refused (it may be stored)', async () => {
    const { cluster, brokers } = fakeCluster({ 0: 1, 1: 2 });
    (brokers.get(1) as FakeBroker).produceHook = async () => Promise.reject(connectionError());

    const failure = await rejection<{ produceResults: unknown }>(
      sendMessagesOver(cluster, fakeEos())({ acks: -1, topicMessages: [{ topic: TOPIC, messages: twoPartitions }] }),
    );

    expect(failure.produceResults).toMatchObject({
      acknowledged: [{ partition: 1 }],
      failed: [{ partition: 0, refused: false }],
    });
  });
});
