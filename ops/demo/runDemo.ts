import { TaskProducer } from '../../pipeline/index.js';
import { createRedis, pingRedis, redisUrlFromEnv } from '../../pipeline/redis/redisConnection.js';
import { loadConfig } from '../cli/config/loadConfig.js';
import { say } from '../cli/shared/output.js';
import { cliLogger, withKafka } from '../cli/shared/services.js';
import { groupPrefixOf } from '../cli/shared/groups.js';
import { startDashboard } from '../dashboard/DashboardServer.js';
import { DemoFeed } from './DemoFeed.js';
import { prepareDemoFolder } from './demoFolder.js';
import { startDemoMailbox } from './demoMailbox.js';
import type { DemoOptions } from './demoOptions.js';
import { DemoProcesses } from './DemoProcesses.js';
import { summaryLines } from './demoSummary.js';
import { demoTasks } from './demoTasks.js';
import { seedOrders } from './seedOrders.js';
import { gatherOutputs } from './demoOutputs.js';
import { ensureStack } from './ensureStack.js';
import { LiveView } from './LiveView.js';
import { DemoCounter } from './DemoCounter.js';
import { StopSignal } from './StopSignal.js';

const WORKERS = 2;
const DRAIN_LIMIT_MS = 60_000;

/**
 * `npm start`: the stack, an SMTP server, two workers and a scheduler, fed a mixed stream (some of it failing on
 * purpose) while a table shows what the workers report; then a summary of where everything went.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const started = Date.now();
  const stop = new StopSignal();
  try {
    await ensureStack((line) => say(`stack      ${line.trim()}`));
    const folder = await prepareDemoFolder(options.dir, options.namespace);
    await seedOrders();
    const config = await loadConfig(folder.config);
    const tasks = demoTasks(options.namespace);
    // Counted from here: `dlq list --since` takes whole seconds.
    const sinceMs = Math.floor(Date.now() / 1000) * 1000;
    const since = new Date(sinceMs).toISOString().replace('.000Z', 'Z');

    const producer = new TaskProducer({ logger: cliLogger() });
    const mailbox = await startDemoMailbox(folder.mail);
    const redisUrl = redisUrlFromEnv();
    const redis = createRedis(redisUrl, cliLogger());
    const processes = new DemoProcesses({
      folder,
      namespace: options.namespace,
      smtpUrl: mailbox.url,
      workers: WORKERS,
    });
    stop.onExit(() => processes.killAll());
    try {
      // The scheduler and the dashboard need Redis: one line now rather than a scheduler dying in its log.
      await pingRedis(redis, redisUrl);
      await withKafka(config, async (admins) => {
        // The topics exist before the workers subscribe, and the schemas are registered once.
        for (const task of tasks.all) await producer.prepare(task);
        const dashboard = await startDashboard({
          tasks: config.tasks,
          admins,
          groupPrefix: groupPrefixOf(config),
          redis,
          registry: config.registry,
          schedules: { schedules: config.schedules, group: options.namespace },
          port: 0,
          host: '127.0.0.1',
          log: cliLogger(),
        });
        const dashboardUrl = `${dashboard.url}/`;
        say(`dashboard  ${dashboardUrl}`);
        say(`smtp       ${mailbox.url} (mail saved to ${folder.mail})`);
        say(
          `workers    starting ${WORKERS} \`taskstream worker\` processes and \`taskstream schedule run\` (logs in ${folder.logs})`,
        );
        const counter = new DemoCounter(processes);
        const feed = new DemoFeed(producer, tasks, folder);
        stop.onStop(() => feed.stop());
        let unsettled = 0;
        try {
          // The scheduler boots while the workers join their groups: a tick it fires meanwhile waits in Kafka.
          processes.startScheduler();
          await processes.startWorkers(() => stop.stopped);
          if (!stop.stopped) {
            say(`feeding    ${options.rate} tasks/s for ${options.durationMs / 1000} s; Ctrl-C stops early`);
            const view = new LiveView();
            const refresh = async (phase: string): Promise<void> => {
              await counter.sample(feed);
              view.show(counter.rows(), `${phase}; dashboard ${dashboardUrl}`);
            };
            const feedFrom = Date.now();
            const fed = feed.run(options.rate, options.durationMs);
            const feeding = (): string => `feeding ${secondsSince(feedFrom)}/${options.durationMs / 1000} s`;
            while (!(await settledWithin(fed, 1000))) await refresh(feeding());
            await processes.stopScheduler();
            const drainFrom = Date.now();
            await refresh('draining');
            while (!stop.stopped && counter.unsettled() > 0 && Date.now() - drainFrom < DRAIN_LIMIT_MS) {
              await stop.sleep(1000);
              await refresh(`waiting for ${counter.unsettled()} tasks still retrying or running`);
            }
            await refresh(stop.stopped ? 'stopping (Ctrl-C)' : 'stopping');
            view.end();
            unsettled = counter.unsettled();
          }
        } finally {
          await processes.stopScheduler();
          const codes = await processes.stopWorkers();
          codes.forEach((code, i) => {
            if (code !== 0) say(`worker-${i + 1}   exited with code ${code}; see ${folder.logs}`);
          });
          await dashboard.close();
        }
        const outputs = await gatherOutputs(folder, config.tasks, admins, sinceMs);
        for (const line of summaryLines({
          folder,
          rows: counter.rows(),
          outputs,
          smtpUrl: mailbox.url,
          since,
          elapsedMs: Date.now() - started,
          interrupted: stop.stopped,
          unsettled,
          dashboardUrl,
        })) {
          say(line);
        }
        if (!stop.stopped && unsettled > 0) {
          say(
            `demo       FAILED: ${unsettled} tasks neither done nor dead-lettered ${DRAIN_LIMIT_MS / 1000} s after feeding stopped`,
          );
          process.exitCode = 1;
        }
      });
    } finally {
      processes.killAll();
      await Promise.allSettled([producer.close(), mailbox.close()]);
      redis.disconnect();
    }
  } finally {
    stop.dispose();
  }
}

function secondsSince(at: number): number {
  return Math.round((Date.now() - at) / 1000);
}

/** Whether `p` settled within `ms` (rejecting if it rejected). */
async function settledWithin(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
