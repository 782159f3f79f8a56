import type { Command } from 'commander';
import { createRedis, redisUrlFromEnv } from '../../../pipeline/redis/redisConnection.js';
import { startDashboard } from '../../dashboard/DashboardServer.js';
import { portNumber, positiveInt, say } from '../shared/output.js';
import { schedulerGroupArg } from '../shared/scheduleListing.js';
import { cliLogger, configOf, withKafka } from '../shared/services.js';

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve a web page of every task type (workers, lag, retries waiting, dead letters) and schedule')
    .option('--port <port>', 'port to serve on (0 picks a free one)', portNumber, 8080)
    .option(
      '--host <host>',
      'address to serve on; the page has no login, so the default is this machine only',
      '127.0.0.1',
    )
    .option('--refresh <seconds>', 'how often the page reloads', positiveInt, 5)
    .option('--schedule-group <group>', 'scheduler group whose lease and ticks to show', 'default')
    .action(async (opts: { port: number; host: string; refresh: number; scheduleGroup: string }, cmd: Command) => {
      const config = await configOf(cmd);
      const group = schedulerGroupArg('--schedule-group', opts.scheduleGroup);
      // Schedules live in Redis; the page still shows the task types when Redis is away.
      const redis = config.schedules.length > 0 ? createRedis(redisUrlFromEnv(), cliLogger()) : undefined;
      try {
        await withKafka(config, async (admins) => {
          const server = await startDashboard({
            tasks: config.tasks,
            admins,
            schedules: redis && { schedules: config.schedules, redis, group },
            port: opts.port,
            host: opts.host,
            refreshSeconds: opts.refresh,
            log: cliLogger(),
          });
          say(`dashboard at ${server.url}/ (JSON at ${server.url}/api/overview); Ctrl-C stops it`);
          await new Promise<void>((resolve) => {
            for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
          });
          await server.close();
        });
      } finally {
        redis?.disconnect();
      }
    });
}
