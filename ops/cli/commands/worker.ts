import type { Command } from 'commander';
import { rootLogger, shutdownOnSignals, Worker } from '../../../pipeline/index.js';
import { startOpsServer } from '../../server/OpsServer.js';
import { loadConfig } from '../config/loadConfig.js';
import { workerHandlers } from '../config/workerHandlers.js';
import { UsageError } from '../UsageError.js';
import { portNumber } from '../shared/output.js';
import { connectionOptions } from '../shared/services.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      "run a worker for the config's handlers, else for the task types taskstream ships (send-email, generate-report, resize-image); SIGTERM drains it",
    )
    .option(
      '--metrics-port <port>',
      'serve /metrics (Prometheus), /healthz and /readyz on this port (default: TASKSTREAM_METRICS_PORT, else none)',
      portNumber,
    )
    .option('--metrics-host <host>', 'address to serve them on', '0.0.0.0')
    .addHelpText(
      'after',
      `
The handlers come from the config's \`handlers\` (--config, else ./taskstream.config.ts or .js), with its
\`worker\` options ({ groupPrefix, concurrency, shutdownDeadlineMs }). A config found in the working folder
that names no handlers, or no config at all, runs the shipped consumers: send-email (SMTP_URL, SMTP_FROM;
JSON lines on stdout without SMTP_URL), generate-report (DATABASE_URL, TASKSTREAM_REPORTS_DIR) and
resize-image (TASKSTREAM_IMAGES_DIR, TASKSTREAM_IMAGE_THREADS). A config named with --config must name handlers.`,
    )
    .action(async (opts: { metricsPort?: number; metricsHost: string }, cmd: Command) => {
      const port = opts.metricsPort ?? portFromEnv('TASKSTREAM_METRICS_PORT');
      const log = rootLogger();
      const { config: explicit } = cmd.optsWithGlobals<{ config?: string }>();
      const config = await loadConfig(explicit);
      const consumers = await workerHandlers(config, explicit !== undefined, log);
      const worker = new Worker({
        ...connectionOptions(config),
        ...config.worker,
        handlers: consumers.handlers,
        logger: log,
      });
      // Served before the worker starts: /healthz answers at once, /readyz says 503 until the groups are joined.
      const ops = port === undefined ? undefined : await startOpsServer({ worker, port, host: opts.metricsHost, log });
      const close = async (): Promise<void> => {
        await worker.close();
        await Promise.allSettled([consumers.close(), ops?.close()]);
      };
      shutdownOnSignals({ close }, log);
      try {
        await worker.start();
      } catch (err) {
        // A worker that cannot start must exit: the endpoint's open socket would otherwise keep the process up.
        await close();
        throw err;
      }
    });
}

function portFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  try {
    return portNumber(value);
  } catch {
    throw new UsageError(`${name} must be a port from 0 to 65535, got "${value}"`);
  }
}
