import type { Command } from 'commander';
import { startDashboard } from '../../dashboard/DashboardServer.js';
import { portNumber, say } from '../shared/output.js';
import { cliLogger, configOf, withKafka } from '../shared/services.js';

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve a web page of every task type: workers, lag, retries waiting, dead letters (Ctrl-C stops it)')
    .option('--port <port>', 'port to serve on (0 picks a free one)', portNumber, 8080)
    .option(
      '--host <host>',
      'address to serve on; the page has no login, so the default is this machine only',
      '127.0.0.1',
    )
    .option('--refresh <seconds>', 'how often the page reloads', portNumber, 5)
    .action(async (opts: { port: number; host: string; refresh: number }, cmd: Command) => {
      const config = await configOf(cmd);
      await withKafka(async (admins) => {
        const server = await startDashboard({
          tasks: config.tasks,
          admins,
          port: opts.port,
          host: opts.host,
          refreshSeconds: Math.max(1, opts.refresh),
          log: cliLogger(),
        });
        say(`dashboard at ${server.url}/ (JSON at ${server.url}/api/overview); Ctrl-C stops it`);
        await new Promise<void>((resolve) => {
          for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
        });
        await server.close();
      });
    });
}
