import { Queue, Worker } from 'bullmq';
import type { LatencyRun } from './openLoop.js';

/**
 * The peer from outside Kafka: BullMQ `queue.add` per task and a Worker with the taskstream Worker's process
 * concurrency (100), both in this process, on the machine's Redis.
 */
export async function bullmqLatency(name: string): Promise<LatencyRun> {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const queue = new Queue(name, { connection });
  const starts: number[] = [];
  const worker = new Worker(
    name,
    async (job) => {
      starts.push(Date.now() - (job.data as { sentAt: number }).sentAt);
    },
    { connection, concurrency: 100 },
  );
  await worker.waitUntilReady();
  return {
    starts,
    send: (n, due) =>
      queue.add('bench', { n, key: `k${n % 100}`, sentAt: due }, { removeOnComplete: true, removeOnFail: true }),
    close: async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}
