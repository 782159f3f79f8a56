import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../pipeline/logging/logger.js';

export interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

export type Route = (path: string) => Reply | Promise<Reply>;

/** A small read-only HTTP server (GET only, path without query), for the metrics and dashboard endpoints. */
export class HttpEndpoint {
  private constructor(
    private readonly server: http.Server,
    /** Where to reach it from this machine (127.0.0.1 when it listens on every address). */
    readonly url: string,
  ) {}

  /** `port` 0 picks a free one (see `url`). */
  static start(route: Route, port: number, host: string, log: Logger): Promise<HttpEndpoint> {
    return HttpEndpoint.listen(
      (req, res) => {
        Promise.resolve()
          .then(() => route((req.url ?? '/').split('?')[0] as string))
          .then(
            ({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body),
            (err: unknown) => {
              log.error({ err, url: req.url }, 'endpoint failed');
              res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
            },
          );
      },
      port,
      host,
      log,
    );
  }

  /** Serves any request listener (the dashboard's, which needs methods, queries and bodies). */
  static async listen(listener: http.RequestListener, port: number, host: string, log: Logger): Promise<HttpEndpoint> {
    const server = http.createServer(listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Once listening, a server error is logged; unhandled it would end the process.
    server.on('error', (err) => log.error({ err }, 'endpoint server error'));
    const { address, port: bound } = server.address() as AddressInfo;
    const shown = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
    return new HttpEndpoint(server, `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function json(status: number, body: unknown): Reply {
  return { status, type: 'application/json', body: `${JSON.stringify(body)}\n` };
}

export function text(status: number, body: string): Reply {
  return { status, type: 'text/plain; charset=utf-8', body };
}
