import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger, RunningTask } from '../../pipeline/index.js';
import { HttpEndpoint, json, text } from './HttpEndpoint.js';

/** What the endpoint reads of a worker (a `Worker` is one). */
export interface ServedWorker {
  readonly metrics: Registry;
  readonly ready: boolean;
  readonly healthy: boolean;
  /** The handlers running now, with their progress (GET /tasks). */
  runningTasks(): readonly RunningTask[];
}

export interface OpsServerOptions {
  readonly worker: ServedWorker;
  /** 0 picks a free port (see the endpoint's `url`). */
  readonly port: number;
  /** Default 0.0.0.0, so that a scraper on another host (or a pod's kubelet) reaches it. */
  readonly host?: string;
  readonly log: Logger;
}

/**
 * A worker's operations endpoint: GET /metrics (Prometheus text: the worker's taskstream_* metrics and
 * Node's process metrics), /healthz (503 once a consumer crashed with no restart coming, so a liveness probe
 * restarts the process) and /readyz (the worker has joined its groups and is not shutting down; 503
 * otherwise, so an orchestrator stops routing to it before it leaves), and /tasks (JSON: the handlers running
 * now, with when they started, last heartbeat and last `ctx.progress()`).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<HttpEndpoint> {
  const { worker, log } = options;
  const processMetrics = new Registry();
  collectDefaultMetrics({ register: processMetrics });
  const registry = Registry.merge([worker.metrics, processMetrics]);
  const endpoint = await HttpEndpoint.start(
    async (path) => {
      if (path === '/metrics') return { status: 200, type: registry.contentType, body: await registry.metrics() };
      if (path === '/healthz')
        return worker.healthy ? json(200, { status: 'ok' }) : json(503, { status: 'consumer crashed' });
      if (path === '/readyz') return worker.ready ? json(200, { status: 'ready' }) : json(503, { status: 'not ready' });
      if (path === '/tasks') return json(200, { running: worker.runningTasks() });
      return text(404, 'not found: try /metrics, /healthz, /readyz or /tasks\n');
    },
    options.port,
    options.host ?? '0.0.0.0',
    log,
  );
  log.info({ url: `${endpoint.url}/metrics` }, 'serving metrics, /healthz, /readyz and /tasks');
  return endpoint;
}
