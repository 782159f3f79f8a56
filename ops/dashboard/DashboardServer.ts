import type { GroupAdmin } from '../../pipeline/kafka/GroupAdmin.js';
import type { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import type { Logger } from '../../pipeline/logging/logger.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';
import { HttpEndpoint, json, text } from '../server/HttpEndpoint.js';
import { gatherOverview, type ScheduleSource } from './Overview.js';
import { renderOverview } from './renderOverview.js';

export interface DashboardOptions {
  readonly tasks: readonly TaskDefinition[];
  readonly admins: { readonly groups: GroupAdmin; readonly topics: TopicAdmin };
  /** 0 picks a free port (see the endpoint's `url`). */
  readonly port: number;
  /** Default 127.0.0.1: the page has no login, so it is reachable from elsewhere only when asked. */
  readonly host?: string;
  readonly refreshSeconds?: number;
  /** Schedules to show, with the Redis that holds their state (none: no schedules section). */
  readonly schedules?: ScheduleSource;
  readonly log: Logger;
}

/**
 * A web page for people who do not read logs: per task type, its workers, lag, retries waiting and dead
 * letters, read from the brokers at each request. GET / is the page, GET /api/overview the same as JSON.
 */
export function startDashboard(options: DashboardOptions): Promise<HttpEndpoint> {
  const refresh = options.refreshSeconds ?? 5;
  return HttpEndpoint.start(
    async (path) => {
      if (path !== '/' && path !== '/api/overview') return text(404, 'not found: try / or /api/overview\n');
      let overview;
      try {
        overview = await gatherOverview(options.tasks, options.admins, options.schedules);
      } catch (err) {
        // Kafka not answering is what an operator most needs to see: say so on the page, not only in a log.
        options.log.error({ err }, 'dashboard could not read the brokers');
        return text(503, `could not read the brokers: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      if (path === '/api/overview') return json(200, overview);
      return { status: 200, type: 'text/html; charset=utf-8', body: renderOverview(overview, refresh) };
    },
    options.port,
    options.host ?? '127.0.0.1',
    options.log,
  );
}
