import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger, Worker } from '../../pipeline/index.js';

export interface OpsServerOptions {
  readonly worker: Worker;
  /** 0 picks a free port (see `url`). */
  readonly port: number;
  /** Default 0.0.0.0, so that a scraper on another host (or a pod's kubelet) reaches it. */
  readonly host?: string;
  readonly log: Logger;
}

/**
 * A worker's operations endpoint: GET /metrics (Prometheus text: the worker's taskstream_* metrics and
 * Node's process metrics), /healthz (the process answers) and /readyz (the worker has joined its groups and
 * is not shutting down; 503 otherwise, so an orchestrator stops routing to it before it leaves).
 */
export class OpsServer {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(options: OpsServerOptions): Promise<OpsServer> {
    const processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
    const registry = Registry.merge([options.worker.metrics, processMetrics]);
    const server = http.createServer((req, res) => {
      void route(req.url ?? '/', options.worker, registry).then(
        ({ status, type, body }) => {
          res.writeHead(status, { 'content-type': type });
          res.end(body);
        },
        (err: unknown) => {
          options.log.error({ err }, 'ops endpoint failed');
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`;
    options.log.info({ url: `${url}/metrics` }, 'serving metrics, /healthz and /readyz');
    return new OpsServer(server, url);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

async function route(url: string, worker: Worker, registry: Registry): Promise<Reply> {
  const path = url.split('?')[0];
  if (path === '/metrics') return { status: 200, type: registry.contentType, body: await registry.metrics() };
  if (path === '/healthz') return json(200, { status: 'ok' });
  if (path === '/readyz') return worker.ready ? json(200, { status: 'ready' }) : json(503, { status: 'not ready' });
  return { status: 404, type: 'text/plain', body: 'not found: try /metrics, /healthz or /readyz\n' };
}

function json(status: number, body: object): Reply {
  return { status, type: 'application/json', body: `${JSON.stringify(body)}\n` };
}
