import type { Admin } from 'kafkajs';
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
   * Commits the given offsets for the group. Kafka refuses this while the group has members; kafkajs checks
   * that too, then commits through a member that joins and leaves at once.
   */
  async setOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, bigint>): Promise<void> {
    if (offsets.size === 0) return;
    await this.call(`setting the offsets of group "${groupId}"`, (admin) =>
      admin.setOffsets({
        groupId,
        topic,
        partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
      }),
    );
  }
}
