import type { Command } from 'commander';
import { rootLogger, shutdownOnSignals } from '../../../pipeline/index.js';
import { startOpsServer } from '../../server/OpsServer.js';
import { UsageError } from '../UsageError.js';
import { portNumber } from '../shared/output.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker for the task types taskstream ships (send-email, generate-report); SIGTERM drains it')
    .option(
      '--metrics-port <port>',
      'serve /metrics (Prometheus), /healthz and /readyz on this port (default: TASKSTREAM_METRICS_PORT, else none)',
      portNumber,
    )
    .option('--metrics-host <host>', 'address to serve them on', '0.0.0.0')
    .action(async (opts: { metricsPort?: number; metricsHost: string }) => {
      const port = opts.metricsPort ?? portFromEnv('TASKSTREAM_METRICS_PORT');
      const { shippedWorker } = await import('../../../consumers/main.js');
      const worker = shippedWorker();
      const log = rootLogger();
      // Served before the worker starts: /healthz answers at once, /readyz says 503 until the groups are joined.
      const ops = port === undefined ? undefined : await startOpsServer({ worker, port, host: opts.metricsHost, log });
      shutdownOnSignals(
        {
          close: async () => {
            await worker.close();
            await ops?.close();
          },
        },
        log,
      );
      try {
        await worker.start();
      } catch (err) {
        // A worker that cannot start must exit: the endpoint's open socket would otherwise keep the process up.
        await worker.close();
        await ops?.close();
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
