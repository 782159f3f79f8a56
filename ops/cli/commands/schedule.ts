import type { Command } from 'commander';
import { createLogger } from '../../../pipeline/logging/logger.js';
import { shutdownOnSignals } from '../../../pipeline/runtime/shutdownOnSignals.js';
import { TaskProducer } from '../../../pipeline/producer/TaskProducer.js';
import { Scheduler, triggerTick } from '../../../pipeline/schedule/index.js';
import { duration, formatDuration, portNumber, printJson, printTable, say } from '../shared/output.js';
import { listSchedules, schedulerGroupArg } from '../shared/scheduleListing.js';
import { cliLogger, configOf, connectionOptions, probeKafka, translateErrors, withRedis } from '../shared/services.js';
import { startOpsServer } from '../../server/OpsServer.js';
import { UsageError } from '../UsageError.js';

interface GroupOption {
  group: string;
}

export function registerScheduleCommand(program: Command): void {
  const schedule = program
    .command('schedule')
    .description("cron schedules of the config's `schedules`: list them, or run the scheduler that fires them");

  schedule
    .command('list')
    .description('each schedule with its next three fire times, its last fired tick and the lease holder')
    .option('--group <group>', 'scheduler group whose lease and ticks to show', 'default')
    .option('--json', 'print JSON')
    .action(async (opts: GroupOption & { json?: boolean }, cmd: Command) => {
      const config = await configOf(cmd);
      const name = schedulerGroupArg('--group', opts.group);
      // Without schedules there is nothing to read from Redis, so it need not be up.
      const listing =
        config.schedules.length === 0
          ? { group: name, leaseHolder: null, schedules: [] }
          : await withRedis((redis) => listSchedules(redis, config.schedules, name));
      if (opts.json) return printJson(listing);
      if (listing.schedules.length === 0) return say('no schedules in the config (export `schedules` beside `tasks`)');
      say(`group ${listing.group}: lease held by ${listing.leaseHolder ?? 'no instance'}`);
      printTable(
        ['NAME', 'CRON', 'TIMEZONE', 'TASK', 'NEXT', 'LAST FIRED', 'SKIP IF LATER THAN'],
        listing.schedules.map((s) => [
          s.name,
          s.cron,
          s.timezone,
          s.task,
          s.next.map(short).join(' '),
          s.lastFired === null ? '-' : short(s.lastFired),
          s.maxLateMs === null ? '-' : formatDuration(s.maxLateMs),
        ]),
      );
    });

  schedule
    .command('trigger')
    .description('fire one tick of a schedule now, outside its cron times (its regular ticks go on as before)')
    .argument('<name>', 'schedule name')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
The task gets the payload the schedule makes for this moment and the id <name>@manual-<time>-<random>,
which no regular tick (<name>@<time>) can have, so dedupe never drops either for the other.`,
    )
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      const config = await configOf(cmd);
      const found = config.schedules.find((s) => s.name === name);
      if (found === undefined) {
        const known = config.schedules.map((s) => s.name).join(', ') || 'none';
        throw new UsageError(`no schedule named "${name}" in the config (schedules: ${known})`);
      }
      await probeKafka(config);
      const producer = new TaskProducer({ ...connectionOptions(config), logger: cliLogger() });
      try {
        const sent = await translateErrors(() => triggerTick(producer, found));
        if (opts.json) return printJson({ schedule: name, task: found.task.name, ...sent });
        say(
          `fired ${name}: ${found.task.name} task ${sent.taskId} (partition ${sent.partition}, offset ${sent.offset})`,
        );
      } finally {
        await producer.close().catch(() => undefined);
      }
    });

  schedule
    .command('run')
    .description("run a scheduler for the config's schedules until SIGTERM or SIGINT")
    .option('--group <group>', 'scheduler group: of all instances running one group, exactly one fires', 'default')
    .option('--lease <duration>', 'lease length; a crashed holder is replaced within about this long', duration, 15_000)
    .option(
      '--metrics-port <port>',
      'serve /metrics (ticks fired and skipped, lease held, tasks enqueued), /healthz and /readyz on this port',
      portNumber,
    )
    .option('--metrics-host <host>', 'address to serve them on', '0.0.0.0')
    .addHelpText(
      'after',
      `
Run two or more for availability: the instance holding the group's lease in Redis fires, the others take over
when it stops. After downtime only the most recent missed tick fires, never a backlog (see
pipeline/schedule/README.md). Logs are JSON lines on stdout.`,
    )
    .action(async (opts: GroupOption & { lease: number; metricsPort?: number; metricsHost: string }, cmd: Command) => {
      const config = await configOf(cmd);
      if (config.schedules.length === 0) {
        throw new UsageError('the config declares no schedules to run (export `schedules` beside `tasks`)');
      }
      const name = schedulerGroupArg('--group', opts.group);
      // Fail at once, in one line, when a service is away; once running, the scheduler rides out outages.
      await probeKafka(config);
      await withRedis(async () => undefined);
      const log = createLogger({ component: 'taskstream-schedule' });
      const scheduler = new Scheduler({
        ...connectionOptions(config),
        schedules: config.schedules,
        group: name,
        leaseMs: opts.lease,
        logger: log,
      });
      // A scheduler has no tasks of its own to show; it is ready once it started (and competes for the lease).
      const served = { metrics: scheduler.metrics, healthy: true, ready: false, runningTasks: () => [] };
      const ops =
        opts.metricsPort === undefined
          ? undefined
          : await startOpsServer({ worker: served, port: opts.metricsPort, host: opts.metricsHost, log });
      const close = async (): Promise<void> => {
        await scheduler.close();
        await ops?.close();
      };
      shutdownOnSignals({ close }, log);
      try {
        await translateErrors(() => scheduler.start());
      } catch (err) {
        await close();
        throw err;
      }
      served.ready = true;
    });
}

/** Whole seconds in the table; `--json` keeps the milliseconds. */
function short(iso: string): string {
  return iso.replace(/\.000Z$/, 'Z');
}
