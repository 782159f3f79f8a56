import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../pipeline/logging/logger.js';
import type { HttpEndpoint } from '../../ops/server/HttpEndpoint.js';
import { startOpsServer, type ServedWorker } from '../../ops/server/OpsServer.js';

const open: HttpEndpoint[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

/** The endpoint on a free loopback port for a worker in the given state. */
async function serving(worker: ServedWorker): Promise<string> {
  const log = createLogger();
  log.level = 'silent';
  const endpoint = await startOpsServer({ worker, port: 0, host: '127.0.0.1', log });
  open.push(endpoint);
  return endpoint.url;
}

describe('ops endpoint', () => {
  it('fails /healthz and /readyz with 503 once a consumer crashed for good, so a liveness probe restarts it', async () => {
    const url = await serving({ metrics: new Registry(), ready: false, healthy: false, runningTasks: () => [] });
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });

  it('answers /healthz with 200 while the worker is still joining, and /readyz with 503 until it is ready', async () => {
    const url = await serving({ metrics: new Registry(), ready: false, healthy: true, runningTasks: () => [] });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });

  it('lists the running tasks with their progress as JSON at /tasks', async () => {
    const running = {
      type: 'generate-report',
      taskId: 'report-1',
      partition: 2,
      offset: '40',
      attempt: 1,
      startedAt: 1000,
      lastHeartbeatAt: 1500,
      progress: { done: 30_000, total: 1_000_000, at: 1500 },
    };
    const url = await serving({ metrics: new Registry(), ready: true, healthy: true, runningTasks: () => [running] });
    const res = await fetch(`${url}/tasks`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ running: [running] });
  });
});
