import { TaskstreamError } from '../errors.js';
import { AdminConnection } from './AdminConnection.js';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Leave unset for the cluster's default.replication.factor. */
  readonly replicationFactor?: number;
  readonly config?: Readonly<Record<string, string>>;
}

export interface TopicPartitionInfo {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicConfigEntry {
  readonly name: string;
  readonly value: string | null;
  /** Where the value comes from: topic, broker (dynamic or static) or default. */
  readonly source: 'topic' | 'dynamic-broker' | 'dynamic-default-broker' | 'static-broker' | 'default' | 'unknown';
  readonly isDefault: boolean;
  readonly readOnly: boolean;
  readonly isSensitive: boolean;
}

const CONFIG_SOURCES: Record<number, TopicConfigEntry['source']> = {
  1: 'topic',
  2: 'dynamic-broker',
  3: 'dynamic-default-broker',
  4: 'static-broker',
  5: 'default',
};

/** Topic and cluster administration, in our own types. */
export class TopicAdmin extends AdminConnection {
  private defaultReplication: Promise<number> | undefined;

  async brokerIds(): Promise<number[]> {
    const admin = await this.ready();
    const cluster = await admin.describeCluster();
    return cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  }

  /** Idempotent: topics that exist are left as they are. Returns the names it created. */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    const missing = await this.missingTopics(specs);
    if (missing.length === 0) return [];
    const admin = await this.ready();
    const created = missing.map((s) => s.topic);
    const clusterDefault = missing.some((s) => s.replicationFactor === undefined)
      ? await this.defaultReplicationFactor()
      : 1;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: s.replicationFactor ?? clusterDefault,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (err) {
      // kafkajs's wait for leaders asks one broker and gives up when that broker has not heard of the topic yet
      // (seen on a three-node KRaft cluster); the topic was created, so wait with fresh metadata instead.
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      await this.leadersElected(created);
    }
    return created;
  }

  /**
   * The cluster's default.replication.factor, read once. kafkajs's CreateTopics (v3) cannot ask for the broker's
   * default itself (-1 needs v4), so a topic spec without a replication factor gets this: RF 3 on a production
   * cluster configured for it, 1 on a laptop, without anyone remembering to say so.
   */
  defaultReplicationFactor(): Promise<number> {
    this.defaultReplication ??= (async () => {
      const admin = await this.ready();
      const { brokers } = await admin.describeCluster();
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: 4 /* ConfigResourceTypes.BROKER */,
            name: String(brokers[0]?.nodeId ?? 0),
            configNames: ['default.replication.factor'],
          },
        ],
      });
      const value = Number(res.resources[0]?.configEntries[0]?.configValue);
      return Number.isInteger(value) && value > 0 ? value : 1;
    })();
    this.defaultReplication.catch(() => (this.defaultReplication = undefined));
    return this.defaultReplication;
  }

  /**
   * Waits until every partition of the topics has a leader. Each look is a fresh client: a kafkajs client
   * refreshes its metadata cache only when it learns of a new topic, so asking one client again tells nothing new.
   */
  async leadersElected(topics: readonly string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const probe = this.kafka.admin();
      const metadata = await probe
        .connect()
        .then(() => probe.fetchTopicMetadata({ topics: [...topics] }))
        .catch(() => undefined)
        .finally(() => probe.disconnect().catch(() => undefined));
      const led = metadata?.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (led) return;
      if (Date.now() > deadline) {
        const names = topics.join(', ');
        throw new TaskstreamError(
          'SERVICE_UNAVAILABLE',
          `Kafka at ${this.address} elected no leader for every partition of ${names} within ${timeoutMs} ms`,
          { retriable: true },
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The specs whose topic does not exist. */
  async missingTopics(specs: readonly TopicSpec[]): Promise<TopicSpec[]> {
    const existing = new Set(await (await this.ready()).listTopics());
    return specs.filter((s) => !existing.has(s.topic));
  }

  /** Sets (only) the given config entries of a topic that exists. */
  async setTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    const admin = await this.ready();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2, // ConfigResourceTypes.TOPIC
          name: topic,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  }

  async listTopics(): Promise<string[]> {
    return (await this.ready()).listTopics();
  }

  async partitions(topic: string): Promise<TopicPartitionInfo[]> {
    const admin = await this.ready();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const t = meta.topics[0];
    if (!t) return [];
    return t.partitions
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** Every config entry of a topic (sensitive values come back as null), sorted by name. */
  async describeConfigs(topic: string): Promise<TopicConfigEntry[]> {
    const admin = await this.ready();
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2 /* ConfigResourceTypes.TOPIC */, name: topic }],
    });
    const entries = res.resources[0]?.configEntries ?? [];
    return entries
      .map((e) => ({
        name: e.configName,
        value: e.isSensitive ? null : e.configValue,
        source: CONFIG_SOURCES[e.configSource as number] ?? 'unknown',
        isDefault: e.isDefault || e.configSource === 5,
        readOnly: e.readOnly,
        isSensitive: e.isSensitive,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Kafka's DeleteRecords: per partition, every record before the given offset is gone for good (the log start
   * moves up to it). Kafka can only cut a prefix of a partition, never records in between.
   */
  async deleteRecordsBefore(topic: string, offsets: ReadonlyMap<number, bigint>): Promise<void> {
    if (offsets.size === 0) return;
    await this.settled(topic, (admin) =>
      admin.deleteTopicRecords({
        topic,
        partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
      }),
    );
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    await (await this.ready()).deleteTopics({ topics: [...topics] });
  }
}
