import type { Command } from 'commander';
import { createRedis, redisUrlFromEnv } from '../../../pipeline/redis/redisConnection.js';
import { startDashboard } from '../../dashboard/DashboardServer.js';
import { isLoopback, TOKEN_ENV } from '../../dashboard/requestGuard.js';
import { groupPrefixOf } from '../shared/groups.js';
import { portNumber, say } from '../shared/output.js';
import { schedulerGroupArg } from '../shared/scheduleListing.js';
import { cliLogger, configOf, withKafka } from '../shared/services.js';
import { UsageError } from '../UsageError.js';

const HELP = `
The page redraws every 2 s from /api/overview (one reading of the brokers and Redis per 1.5 s, however many
tabs are open). Per task type: its workers and the partitions each owns, lag, tasks waiting in retry tiers,
dead letters not yet replayed, processed and failed over the last minutes with a chart, and whether it is
paused. Actions (each asks for confirmation): Pause / Resume a type (as \`taskstream pause|resume\`), and in
a type's dead letters: open one (headers and decoded payload), replay it, a selection, or all that match a
filter (as \`taskstream dlq replay --execute\`: once each, remembered in Redis).

It listens on 127.0.0.1 unless --host says otherwise; beyond loopback it needs ${TOKEN_ENV} set, and then
actions and dead-letter reads need that token (the page asks for it once per tab).`;

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description(
      'serve a live web page of every task type (workers, lag, retries, dead letters, rates) with pause, resume and dead-letter replay',
    )
    .option('--port <port>', 'port to serve on (0 picks a free one)', portNumber, 8080)
    .option('--host <host>', `address to serve on; beyond this machine it needs ${TOKEN_ENV}`, '127.0.0.1')
    .option('--schedule-group <group>', 'scheduler group whose lease and ticks to show', 'default')
    .addHelpText('after', HELP)
    .action(async (opts: { port: number; host: string; scheduleGroup: string }, cmd: Command) => {
      const token = process.env[TOKEN_ENV] || undefined;
      if (!isLoopback(opts.host) && token === undefined) {
        throw new UsageError(
          `--host ${opts.host} reaches beyond this machine: set ${TOKEN_ENV} to a secret the page will ask for`,
        );
      }
      const config = await configOf(cmd);
      const group = schedulerGroupArg('--schedule-group', opts.scheduleGroup);
      // Pauses, replay markers and schedules live in Redis; the page still shows the task types when it is away.
      const redis = createRedis(redisUrlFromEnv(), cliLogger());
      try {
        await withKafka(config, async (admins) => {
          const server = await startDashboard({
            tasks: config.tasks,
            admins,
            groupPrefix: groupPrefixOf(config),
            redis,
            registry: config.registry,
            schedules: config.schedules.length > 0 ? { schedules: config.schedules, group } : undefined,
            token,
            port: opts.port,
            host: opts.host,
            log: cliLogger(),
          });
          say(`dashboard at ${server.url}/ (JSON at ${server.url}/api/overview); Ctrl-C stops it`);
          await new Promise<void>((resolve) => {
            for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
          });
          await server.close();
        });
      } finally {
        redis.disconnect();
      }
    });
}
