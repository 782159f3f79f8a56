import type { Command } from 'commander';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker for the task types taskstream ships (send-email, generate-report); SIGTERM drains it')
    .action(async () => {
      const { runShippedWorker } = await import('../../../consumers/main.js');
      await runShippedWorker();
    });
}
