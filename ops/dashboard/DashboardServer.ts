import { HttpEndpoint } from '../server/HttpEndpoint.js';
import { createDashboardHandler, type DashboardHandlerOptions } from './dashboardHandler.js';

export interface DashboardOptions extends DashboardHandlerOptions {
  /** 0 picks a free port (see the endpoint's `url`). */
  readonly port: number;
  /** Default 127.0.0.1: only this machine reaches it unless asked. */
  readonly host?: string;
}

/** A running dashboard: where it is, and close() that stops both the server and its sampling. */
export interface Dashboard {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The dashboard on a server of its own (`taskstream dashboard`). To serve it from an existing HTTP server
 * instead, mount `createDashboardHandler(...)` there.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const handler = createDashboardHandler(options);
  const endpoint = await HttpEndpoint.listen(handler, options.port, options.host ?? '127.0.0.1', options.log);
  return {
    url: endpoint.url,
    close: async () => {
      handler.close();
      await endpoint.close();
    },
  };
}
