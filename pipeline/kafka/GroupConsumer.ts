import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { ConfigError } from '../errors.js';
import { kafkaConnectError } from './connectError.js';
import type { Logger } from '../logging/logger.js';
import { AdaptiveFetchSize } from './AdaptiveFetchSize.js';
import { AssignmentTracker } from './AssignmentTracker.js';
import { FetchWait } from './FetchWait.js';
import type { FetchedMessage } from './records.js';

export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts (default earliest: a task is never skipped). */
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly maxBytesPerPartition?: number;
  readonly maxWaitTimeMs?: number;
  /** The wait while some partition is paused for lack of room (see FetchWait); unset keeps maxWaitTimeMs. */
  readonly pausedWaitTimeMs?: number;
}

export interface GroupListener {
  /**
   * Records of one partition, in offset order, as the client fetched them. Returns how many it took (a
   * prefix); the rest are fetched again after the partition is resumed. Must not throw and must return
   * quickly: the work runs elsewhere.
   */
  onRecords(tp: PartitionRef, records: readonly FetchedMessage[]): number;
  /** The group is about to rejoin: assignments may change. */
  onRebalancing(): void;
  /** The assignment of the new generation; after onRebalancing, always comes (the old one again if rejoining failed). */
  onAssigned(assignment: readonly PartitionRef[]): void;
  /** A fetch is about to be sent: records delivered after this were not yet read from the broker. */
  onFetchStart?(): void;
  /** The client stopped; `restarting` tells whether kafkajs will restart it. */
  onCrash(err: Error, restarting: boolean): void;
}

/**
 * Group membership and fetching, decoupled from processing. kafkajs hands us batches; we take what fits,
 * resolve exactly those offsets (so the next fetch continues after them) and never let kafkajs commit:
 * commits are ours, of completed work only. Because handlers never run inside kafkajs's loop, a long handler
 * cannot stop heartbeats (kafkajs #1083, #447).
 */
export class GroupConsumer {
  private readonly consumer: Consumer;
  private readonly fetchSize: AdaptiveFetchSize;
  /** Partitions paused now, by `topic:partition`. */
  private readonly paused = new Set<string>();
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly address: string,
    private readonly options: GroupConsumerOptions,
    private readonly log: Logger,
  ) {
    this.fetchSize = new AdaptiveFetchSize(16 * 1024, options.maxBytesPerPartition ?? 1024 * 1024);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      // Read by kafkajs on every fetch, through valueOf (see AdaptiveFetchSize).
      maxBytesPerPartition: this.fetchSize as unknown as number,
      // kafkajs waits this long even when lagging (#1365); small keeps latency low at little cost.
      maxWaitTimeInMs: new FetchWait(
        options.maxWaitTimeMs ?? 100,
        options.pausedWaitTimeMs ?? options.maxWaitTimeMs ?? 100,
        () => this.paused.size > 0,
      ) as unknown as number,
      allowAutoTopicCreation: false,
    });
  }

  async start(listener: GroupListener): Promise<void> {
    const { GROUP_JOIN, REBALANCING, CRASH, FETCH_START } = this.consumer.events;
    const assignments = new AssignmentTracker(listener, (assignment) =>
      this.log.warn(
        { partitions: assignment.length },
        'rejoining the group failed and the consumer fetches its previous assignment again; work continues there',
      ),
    );
    this.consumer.on(REBALANCING, () => assignments.rebalancing());
    this.consumer.on(GROUP_JOIN, (e) => {
      // The listener pauses again what it still wants paused; partitions that left must not count.
      this.paused.clear();
      const assignment: PartitionRef[] = [];
      for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
        for (const partition of partitions) assignment.push({ topic, partition });
      }
      assignments.joined(assignment);
    });
    this.consumer.on(FETCH_START, () => {
      assignments.fetching();
      listener.onFetchStart?.();
    });
    this.consumer.on(CRASH, (e) => listener.onCrash(e.payload.error, e.payload.restart));
    try {
      await this.consumer.connect();
      this.connected = true;
      await this.consumer.subscribe({
        topics: [...this.options.topics],
        fromBeginning: this.options.fromBeginning ?? true,
      });
    } catch (err) {
      // The broker answered: a topic that is not there is not an outage, and saying so would send people the
      // wrong way.
      if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') {
        throw new ConfigError(
          `a topic of ${this.options.topics.join(', ')} does not exist at ${this.address}; create it with \`npx taskstream topics create\` or start the worker with createTopics`,
        );
      }
      throw kafkaConnectError(this.address, err);
    }
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: async (payload) => this.deliver(payload, listener),
    });
  }

  private async deliver(
    { batch, resolveOffset, isRunning, isStale }: EachBatchPayload,
    listener: GroupListener,
  ): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const records: readonly FetchedMessage[] = batch.messages;
    let taken = 0;
    try {
      taken = listener.onRecords({ topic, partition }, records);
    } catch (err) {
      // A listener bug must not reach kafkajs, which would crash the consumer.
      this.log.error({ err, topic, partition }, 'record listener threw; the batch will be fetched again');
    }
    if (taken > 0) resolveOffset((records[taken - 1] as FetchedMessage).offset);
    this.fetchSize.observe(records.length, taken, taken < records.length ? bytesOf(records, taken) : 0);
  }

  pause(tp: PartitionRef): void {
    this.paused.add(`${tp.topic}:${tp.partition}`);
    this.consumer.pause([{ topic: tp.topic, partitions: [tp.partition] }]);
  }

  resume(tp: PartitionRef): void {
    this.paused.delete(`${tp.topic}:${tp.partition}`);
    this.consumer.resume([{ topic: tp.topic, partitions: [tp.partition] }]);
  }

  /** The next fetch of this partition starts at `offset` (nothing is committed). */
  seek(tp: PartitionRef, offset: string): void {
    this.consumer.seek({ topic: tp.topic, partition: tp.partition, offset });
  }

  /** Commits `offset` (the next offset to read) for each partition. */
  async commit(offsets: readonly (PartitionRef & { offset: string })[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commitOffsets(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })),
    );
  }

  /** Stops fetching and leaves the group. */
  async stop(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.consumer.disconnect();
  }
}

/** The bytes of the first `count` records, as a fetch counts them (near enough: keys and values). */
function bytesOf(records: readonly FetchedMessage[], count: number): number {
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const r = records[i] as FetchedMessage;
    bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0) + 20;
  }
  return bytes;
}
