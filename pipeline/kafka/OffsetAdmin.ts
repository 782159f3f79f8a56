import type { Admin, Kafka } from 'kafkajs';
import { TaskstreamError } from '../errors.js';
import { AdminConnection } from './AdminConnection.js';

/**
 * Moving a consumer group's committed offsets (`taskstream offsets reset`): what GroupAdmin, which only
 * reads, does not do. Offsets are bigints; Kafka errors come out as TaskstreamErrors with one readable line.
 */
export class OffsetAdmin extends AdminConnection {
  private async call<T>(what: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.ready();
    try {
      return await fn(admin);
    } catch (err) {
      if (err instanceof TaskstreamError) throw err;
      const message = (err as { message?: string }).message ?? String(err);
      throw new TaskstreamError('SERVICE_UNAVAILABLE', `${what} failed: ${message}`, { cause: err });
    }
  }

  /**
   * Per partition, the first offset whose record timestamp is at or after `timestampMs`; the end offset when
   * no record is that recent (Kafka's own tool does the same).
   */
  async offsetsAtTime(topic: string, timestampMs: number): Promise<Map<number, bigint>> {
    return this.call(`looking up offsets of "${topic}" by time`, async () => {
      const offsets = await this.settled(topic, (a) => a.fetchTopicOffsetsByTimestamp(topic, timestampMs));
      return new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
    });
  }

  /**
   * Commits the given offsets for the group, as Kafka's own AdminClient does: one OffsetCommit to the group
   * coordinator with no member and generation -1, which the broker accepts only while the group has no
   * members. kafkajs's `admin.setOffsets` instead joins the group with a consumer, and every join of an empty
   * group waits out the broker's `group.initial.rebalance.delay.ms` (3 s by default): 6 s a reset, now well
   * under one.
   */
  async setOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, bigint>): Promise<void> {
    if (offsets.size === 0) return;
    await this.call(`setting the offsets of group "${groupId}"`, async () => {
      const cluster = clusterOf(this.kafka);
      await cluster.connect();
      try {
        // The coordinator lookup goes through the brokers of the metadata, which a new cluster has not read.
        await cluster.refreshMetadata();
        const coordinator = await cluster.findGroupCoordinator({ groupId });
        await coordinator.offsetCommit({
          groupId,
          groupGenerationId: -1,
          memberId: '',
          topics: [
            {
              topic,
              partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
            },
          ],
        });
      } finally {
        await cluster.disconnect().catch(() => undefined);
      }
    });
  }
}

/** The parts of kafkajs's internal Cluster and Broker that a coordinator commit needs (kafkajs 2.2.x). */
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  findGroupCoordinator(request: { groupId: string }): Promise<{
    offsetCommit(request: {
      groupId: string;
      groupGenerationId: number;
      memberId: string;
      topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
    }): Promise<unknown>;
  }>;
}

/**
 * A new kafkajs Cluster with the client's own settings (brokers, TLS, SASL, retries), made by the factory that
 * kafkajs keeps under a private symbol for its producers, consumers and admins. kafkajs has no public way to
 * send a request to a group coordinator; a unit test pins this for the kafkajs version in use.
 */
export function clusterOf(kafka: Kafka): KafkajsCluster {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof create !== 'function') {
    throw new TaskstreamError('CONFIG_INVALID', 'this kafkajs version has no cluster factory; see OffsetAdmin.ts');
  }
  return (create as (options: { allowAutoTopicCreation: boolean }) => KafkajsCluster)({
    allowAutoTopicCreation: false,
  });
}
