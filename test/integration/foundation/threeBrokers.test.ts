// Guarantee: on a three-node cluster (RF 3, min.insync.replicas 2), every task enqueue acknowledged is in the log
// exactly once, where enqueue said, through leader SIGKILLs and a rolling restart; a task refused as not stored
// is not there; and a worker consuming through the same faults completes every acknowledged task once, the
// ones that fail once included (their retry-tier copies are not lost either).
//
// The faults take minutes, so one run of them serves both promises: a producer enqueueing as fast as it can to
// one task type, and a worker draining a paced stream of another, side by side while the nodes fail.
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopicAdmin } from '../../../pipeline/kafka/TopicAdmin.js';
import { taskTopics } from '../../../pipeline/task/taskTopics.js';
import { handle, TaskProducer, Worker, type TaskDefinition } from '../../../pipeline/index.js';
import { ClusterFaults } from '../../support/clusterFaults.js';
import { startEnqueueLoad, type LoadResult } from '../../support/enqueueLoad.js';
import { noteSchema, noteTask } from '../../support/fixtures/taskTypes.js';
import { duplicateIds, missingIds } from '../../support/invariants.js';
import { ownsProcesses, threeNodeStack } from '../../support/localStack.js';
import { rawKafka, readAll } from '../../support/readTopic.js';
import { uniqueName } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

const noteType = avro.Type.forSchema(noteSchema as unknown as avro.Schema);

describe.runIf(ownsProcesses())('three-broker cluster through three leader SIGKILLs and a rolling restart', () => {
  const stack = threeNodeStack();
  const brokerList = () => stack.bootstrap.split(',');
  /** Closed after the last test (the per-test cleanups would close them after the first). */
  const closers: (() => Promise<unknown>)[] = [];
  let fast: { task: TaskDefinition; result: LoadResult; killed: Set<number> };
  let paced: {
    task: TaskDefinition;
    result: LoadResult;
    worker: Worker;
    completions: { id: string; attempt: number }[];
  };

  beforeAll(async () => {
    // A fresh cluster each run: storage left by an earlier run's killed node proves nothing about this one.
    await stack.down();
    stack.reset();
    await stack.up({ registry: false, redis: false });
    // The group coordinators' topic needs three live nodes to be created (RF 3): a first group creates it now.
    const probe = rawKafka(brokerList()).consumer({ groupId: 'three-broker-warm-up' });
    await probe.connect();
    await probe.disconnect();

    const fastTask = await replicatedTask();
    const pacedTask = await replicatedTask({ retry: { maxAttempts: 3, minDelayMs: 200, maxDelayMs: 1000 } });
    const faults = new ClusterFaults(
      stack,
      [fastTask, pacedTask].flatMap((t) => taskTopics(t).map((tt) => tt.topic)),
    );
    const completions: { id: string; attempt: number }[] = [];
    // Every 25th task fails its first attempt, so hand-offs to the retry tier happen during the failover too.
    const worker = new Worker({
      brokers: brokerList(),
      groupPrefix: uniqueName('g'),
      shutdownDeadlineMs: 5000,
      handlers: [
        handle(pacedTask, (n, ctx) => {
          if (n.seq % 25 === 0 && ctx.attempt === 1) throw new Error(`first attempt of ${n.id} fails`);
          completions.push({ id: n.id, attempt: ctx.attempt });
        }),
      ],
    });
    closers.push(() => worker.close());
    await worker.start();
    // Two producers, as two applications would be: the fast one's queue must not pace the other.
    const producers = [0, 1].map(() => new TaskProducer({ brokers: brokerList() }));
    for (const p of producers) closers.push(() => p.close());
    const [fastProducer, pacedProducer] = producers as [TaskProducer, TaskProducer];
    await fastProducer.prepare(fastTask);
    await pacedProducer.prepare(pacedTask);

    const fastLoad = startEnqueueLoad(fastProducer, fastTask, (i) => ({ id: `t${i}`, key: `k${i % 101}`, seq: i }));
    const pacedLoad = startEnqueueLoad(
      pacedProducer,
      pacedTask,
      (i) => ({ id: `w${i}`, key: `k${i % 101}`, seq: i }),
      // Paced (about 1,000 tasks/s) so the worker keeps up and the test measures delivery, not a backlog.
      { singles: 10, batch: 20, pauseMs: 20 },
    );
    await waitFor(
      'tasks flowing before the first fault',
      () => fastLoad.result.acknowledged.size >= 2000 && pacedLoad.result.acknowledged.size >= 1000,
    );
    const killed = new Set<number>();
    for (let partition = 0; partition < 3; partition++) {
      killed.add(await faults.killLeader(fastTask.topic, partition, 3000));
    }
    await faults.rollingRestart();
    const before = fastLoad.result.acknowledged.size;
    await waitFor('tasks flowing after the faults', () => fastLoad.result.acknowledged.size >= before + 2000);
    fast = { task: fastTask, result: await fastLoad.stop(), killed };
    paced = { task: pacedTask, result: await pacedLoad.stop(), worker, completions };
  }, 900_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    // Redis and the registry belong to the single-node stack; the cluster's down does not touch them.
    await stack.down();
  });

  /**
   * A note task whose topics (main, retry tiers, DLQ) are created before anything is sent, with no replication
   * factor given: they get the cluster's default (3 here), as a production cluster's would.
   */
  async function replicatedTask(options: Parameters<typeof noteTask>[0] = {}) {
    const task = noteTask({ partitions: 3, ...options });
    const admin = new TopicAdmin(rawKafka(brokerList()), stack.bootstrap);
    try {
      await admin.ensureTopics(taskTopics(task));
      const topics = taskTopics(task).map((t) => t.topic);
      // Created is not yet known to every broker: ask until one answers, and keep what it said (the next
      // question may go to a broker that does not know the topics yet).
      let replicas: number[] = [];
      await waitFor("the new topics in every broker's metadata", async () => {
        replicas = await Promise.all(topics.map((t) => admin.partitions(t)))
          .then((all) => all.flat().map((p) => p.replicas.length))
          .catch(() => []);
        return replicas.length > 0;
      });
      expect(new Set(replicas)).toEqual(new Set([3]));
    } finally {
      await admin.close();
    }
    return task;
  }

  /** What is stored on the task's topic: note id -> positions holding it. */
  async function storedPositions(task: TaskDefinition): Promise<Map<string, string[]>> {
    const stored = new Map<string, string[]>();
    for (const r of await readAll(task.topic, brokerList())) {
      const { id } = noteType.fromBuffer((r.value as Buffer).subarray(5)) as { id: string };
      stored.set(id, [...(stored.get(id) ?? []), `${r.partition}:${r.offset}`]);
    }
    return stored;
  }

  function report(what: string, result: LoadResult, stored: Map<string, string[]>): void {
    const perPartition = [0, 1, 2].map((p) => {
      const acked = [...result.acknowledged.values()].filter((e) => e.partition === p).length;
      const held = [...stored.values()].flat().filter((pos) => pos.startsWith(`${p}:`)).length;
      return `p${p} ${acked}/${held}`;
    });
    const missing = [...result.acknowledged.keys()].filter((id) => !stored.has(id)).length;
    console.info(
      `three-broker ${what}: ${result.acknowledged.size} acknowledged, ${[...stored.values()].flat().length} stored ` +
        `(acknowledged/stored per partition: ${perPartition.join(', ')}), ${missing} acknowledged missing, ` +
        `${result.failed.size} refused`,
    );
    const reasons = new Map<string, number>();
    for (const f of result.failed.values()) reasons.set(f.message, (reasons.get(f.message) ?? 0) + 1);
    for (const [reason, n] of reasons) console.info(`three-broker ${what}: ${n} refused: ${reason.slice(0, 300)}`);
  }

  function expectEveryAcknowledgedStoredOnceWhereSaid(result: LoadResult, stored: Map<string, string[]>): void {
    const notStoredOnce = [...result.acknowledged].filter(([id, e]) => {
      const positions = stored.get(id) ?? [];
      return positions.length !== 1 || positions[0] !== `${e.partition}:${e.offset}`;
    });
    expect(notStoredOnce.slice(0, 5)).toEqual([]);
    // A task refused as certainly not stored is not there; one whose answer never came is stored at most once.
    for (const [id, f] of result.failed) expect(stored.get(id)?.length ?? 0).toBeLessThanOrEqual(f.maybeStored ? 1 : 0);
    // Nothing is stored that was not enqueued (no invented or duplicated record).
    expect([...stored.keys()].filter((id) => !result.acknowledged.has(id) && !result.failed.has(id))).toEqual([]);
  }

  it('stores every task the producer acknowledged exactly once, where enqueue said', async () => {
    const stored = await storedPositions(fast.task);
    report('producer', fast.result, stored);
    expect(fast.killed.size).toBeGreaterThanOrEqual(2);
    expectEveryAcknowledgedStoredOnceWhereSaid(fast.result, stored);
  }, 300_000);

  it('completes every acknowledged task once in the worker, failing ones through their retry tier', async () => {
    const { result, worker, completions } = paced;
    const acknowledged = [...result.acknowledged.keys()];
    const missing = () =>
      missingIds(
        acknowledged,
        completions.map((c) => c.id),
      );
    await waitFor('every acknowledged task completed', () => missing().length === 0, {
      timeoutMs: 300_000,
    }).catch((err: unknown) => {
      // Evidence for whoever reads a failure: which partitions the missing tasks are on, and the worker's view.
      const left = missing();
      const byPartition = new Map<number, number>();
      for (const id of left) {
        const p = result.acknowledged.get(id)?.partition ?? -1;
        byPartition.set(p, (byPartition.get(p) ?? 0) + 1);
      }
      console.info(
        `three-broker worker: ${left.length} acknowledged tasks not completed, by partition ` +
          `${JSON.stringify([...byPartition])}, first ${JSON.stringify(left.slice(0, 5))}; ` +
          `worker stats ${JSON.stringify(worker.stats())}`,
      );
      throw err;
    });

    const stored = await storedPositions(paced.task);
    report('worker', result, stored);
    expectEveryAcknowledgedStoredOnceWhereSaid(result, stored);
    expect(duplicateIds(completions.map((c) => c.id))).toEqual([]);
    const retried = completions.filter((c) => Number(c.id.slice(1)) % 25 === 0);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((c) => c.attempt === 2)).toBe(true);
  }, 400_000);
});
