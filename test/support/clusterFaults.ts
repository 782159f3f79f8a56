import type { LocalStack } from '../../ops/stack/LocalStack.js';
import { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { rawKafka } from './readTopic.js';
import { waitFor } from './waitFor.js';

/**
 * Faults on the three-node local cluster, each waiting until the cluster is whole again (every replica back in
 * sync), so the next fault takes away only one replica: with min.insync.replicas 2 the cluster then keeps
 * accepting writes throughout, and what a test sees is the client's doing, not an unavailable cluster.
 */
export class ClusterFaults {
  constructor(
    private readonly stack: LocalStack,
    private readonly topics: readonly string[],
    private readonly log: (line: string) => void = (line) => console.info(line),
  ) {}

  private async withAdmin<T>(call: (admin: TopicAdmin) => Promise<T>): Promise<T> {
    // A fresh client each look: kafkajs's metadata cache does not notice leaders moving on its own.
    const admin = new TopicAdmin(rawKafka(this.stack.bootstrap.split(',')), this.stack.bootstrap);
    try {
      return await call(admin);
    } finally {
      await admin.close();
    }
  }

  /** The node leading a partition now. */
  async leaderOf(topic: string, partition: number): Promise<number> {
    const partitions = await this.withAdmin((a) => a.partitions(topic));
    return partitions.find((p) => p.partition === partition)?.leader ?? -1;
  }

  /** SIGKILLs the node leading `partition` of `topic` (a leader, so its partitions fail over), then restarts it. */
  async killLeader(topic: string, partition: number, downMs: number): Promise<number> {
    const leader = await this.leaderOf(topic, partition);
    const node = this.stack.nodes.find((n) => n.ports.nodeId === leader);
    if (!node) throw new Error(`no live leader for ${topic}-${partition}`);
    this.log(`three-broker: SIGKILL node ${leader} (leader of ${topic}-${partition})`);
    node.process.signal('SIGKILL');
    await waitFor(`node ${leader} to exit`, () => !node.process.isRunning(), { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, downMs));
    await this.restoreAll();
    return leader;
  }

  /** Each node in turn: SIGTERM (a controlled shutdown, which moves its leaderships away), then back. */
  async rollingRestart(): Promise<void> {
    for (const node of this.stack.nodes) {
      this.log(`three-broker: rolling restart, SIGTERM node ${node.ports.nodeId}`);
      await node.process.stop();
      await this.restoreAll();
    }
  }

  /** Starts every stopped node and waits until each partition of the topics has all its replicas in sync. */
  async restoreAll(): Promise<void> {
    // Only the brokers: Redis and the registry belong to the single-node stack and other tests.
    await this.stack.up({ registry: false, redis: false });
    await waitFor(
      'every replica back in sync',
      async () => {
        const all = await this.withAdmin((a) => Promise.all(this.topics.map((t) => a.partitions(t)))).catch(() => []);
        return all.length > 0 && all.flat().every((p) => p.leader >= 0 && p.isr.length === p.replicas.length);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  }
}
