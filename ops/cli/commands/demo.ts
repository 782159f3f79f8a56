import type { Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start the stack if needed, then enqueue tasks and run a worker over them, printing what happens')
    .action(async () => {
      const { runDemo } = await import('../../demo/runDemo.js');
      await runDemo();
    });
}
