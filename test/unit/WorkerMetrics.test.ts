import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../../pipeline/errors.js';
import { TaskCounters } from '../../pipeline/metrics/TaskCounters.js';
import { registerWorkerMetrics, type MetricsSource } from '../../pipeline/metrics/WorkerMetrics.js';
import type { RunningTask } from '../../pipeline/runtime/RunningTask.js';
import { parseSamples } from '../support/prometheus.js';

/** A registry with one task type's counters and load, and its scrape as a map from sample to value. */
function scraping(
  counters: TaskCounters,
  load = { held: 0, running: 0 },
  lag?: () => Promise<readonly { type: string; partition: number; lag: number }[]>,
  running: () => readonly RunningTask[] = () => [],
): () => Promise<Map<string, number>> {
  const source: MetricsSource = {
    counters: () => new Map([['send-email', counters]]),
    stats: () => ({ buffered: 7, byType: { 'send-email': load } }),
    assignment: () => ({ 'send-email': [0, 2, 5] }),
    runningTasks: running,
    lag:
      lag ??
      (() =>
        Promise.resolve([
          { type: 'send-email', partition: 0, lag: 4 },
          { type: 'send-email', partition: 2, lag: 0 },
        ])),
  };
  const registry = new Registry();
  registerWorkerMetrics(registry, source);
  return async () => parseSamples(await registry.metrics());
}

describe('worker metrics', () => {
  it('counts completed tasks per type, as a Prometheus counter', async () => {
    const counters = new TaskCounters();
    counters.completedIn(0);
    counters.completedIn(3);
    const samples = await scraping(counters)();
    expect(samples.get('taskstream_tasks_completed_total{type="send-email"}')).toBe(2);
  });

  it('reads the counts at each scrape, so a later scrape sees later tasks', async () => {
    const counters = new TaskCounters();
    const scrape = scraping(counters);
    counters.completedIn(0);
    expect((await scrape()).get('taskstream_tasks_completed_total{type="send-email"}')).toBe(1);
    counters.completedIn(0);
    expect((await scrape()).get('taskstream_tasks_completed_total{type="send-email"}')).toBe(2);
  });

  it('writes durations as a cumulative histogram in seconds, with sum and count', async () => {
    const counters = new TaskCounters();
    counters.completedIn(0); // synchronous
    counters.completedIn(40);
    counters.completedIn(400_000); // past the last bucket
    const samples = await scraping(counters)();
    const bucket = (le: string): number | undefined =>
      samples.get(`taskstream_task_duration_seconds_bucket{le="${le}",type="send-email"}`);
    expect(bucket('0.005')).toBe(1);
    expect(bucket('0.05')).toBe(2);
    expect(bucket('300')).toBe(2);
    expect(bucket('+Inf')).toBe(3);
    expect(samples.get('taskstream_task_duration_seconds_count{type="send-email"}')).toBe(3);
    expect(samples.get('taskstream_task_duration_seconds_sum{type="send-email"}')).toBeCloseTo(400.04);
  });

  it("counts dead letters by our error's code, and a handler's own errors as HANDLER_ERROR", async () => {
    const counters = new TaskCounters();
    counters.deadLetteredWith(new UnrecoverableError('bad address'));
    counters.deadLetteredWith(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    counters.deadLetteredWith(new Error('boom'));
    const samples = await scraping(counters)();
    expect(samples.get('taskstream_tasks_dead_lettered_total{type="send-email",code="UNRECOVERABLE"}')).toBe(1);
    expect(samples.get('taskstream_tasks_dead_lettered_total{type="send-email",code="HANDLER_ERROR"}')).toBe(2);
  });

  it('tells retries in place from retries through a retry topic', async () => {
    const counters = new TaskCounters();
    counters.retriedInPlace += 2;
    counters.retriedViaTopic += 1;
    const samples = await scraping(counters)();
    expect(samples.get('taskstream_tasks_retried_total{type="send-email",via="in_place"}')).toBe(2);
    expect(samples.get('taskstream_tasks_retried_total{type="send-email",via="retry_topic"}')).toBe(1);
  });

  it('reports held and running tasks, buffered records and owned partitions as gauges', async () => {
    const samples = await scraping(new TaskCounters(), { held: 12, running: 3 })();
    expect(samples.get('taskstream_tasks_held{type="send-email"}')).toBe(12);
    expect(samples.get('taskstream_tasks_running{type="send-email"}')).toBe(3);
    expect(samples.get('taskstream_records_buffered')).toBe(7);
    expect(samples.get('taskstream_partitions_assigned{type="send-email"}')).toBe(3);
  });

  it('reports the lag of each partition the worker owns, read when scraped', async () => {
    const samples = await scraping(new TaskCounters())();
    expect(samples.get('taskstream_partition_lag{type="send-email",partition="0"}')).toBe(4);
    expect(samples.get('taskstream_partition_lag{type="send-email",partition="2"}')).toBe(0);
  });

  it('still answers a scrape, without lag series, when the brokers do not answer the lag query', async () => {
    const never = (): Promise<never> => new Promise<never>(() => undefined);
    const samples = await scraping(new TaskCounters(), undefined, never)();
    expect(samples.get('taskstream_tasks_completed_total{type="send-email"}')).toBe(0);
    expect([...samples.keys()].some((k) => k.startsWith('taskstream_partition_lag'))).toBe(false);
  });

  it('reports done and total of each running task that reports progress, and nothing for the others', async () => {
    const task = { type: 'report', partition: 0, offset: '7', attempt: 1, startedAt: 0, lastHeartbeatAt: undefined };
    let running: RunningTask[] = [
      { ...task, taskId: 'r-1', progress: { done: 250, total: 1000, at: 0 } },
      { ...task, taskId: 'r-2', progress: { done: 40, total: undefined, at: 0 } },
      { ...task, taskId: 'r-3', progress: undefined },
    ];
    const scrape = scraping(new TaskCounters(), undefined, undefined, () => running);
    const samples = await scrape();
    expect(samples.get('taskstream_task_progress_done{type="report",task_id="r-1"}')).toBe(250);
    expect(samples.get('taskstream_task_progress_total{type="report",task_id="r-1"}')).toBe(1000);
    expect(samples.get('taskstream_task_progress_done{type="report",task_id="r-2"}')).toBe(40);
    expect(samples.has('taskstream_task_progress_total{type="report",task_id="r-2"}')).toBe(false);
    expect([...samples.keys()].some((k) => k.includes('r-3'))).toBe(false);

    running = [];
    expect([...(await scrape()).keys()].some((k) => k.startsWith('taskstream_task_progress'))).toBe(false);
  });
});
