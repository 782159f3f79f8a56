import path from 'node:path';
import type { Command } from 'commander';
import { demoDuration, demoNamespace, demoRate } from '../../demo/demoOptions.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'start the stack if needed, then two workers, a scheduler and an SMTP server, feed them mail, reports and images (some failing on purpose) and show what happens',
    )
    .option('--duration <duration>', 'how long to feed tasks (1s to 1h)', demoDuration, 60_000)
    .option('--rate <n>', 'tasks enqueued per second (at most 200)', demoRate, 5)
    .option('--dir <folder>', 'where the mails, reports, images and logs go (emptied first)', 'demo-output')
    .option('--namespace <name>', "prefix of the demo's topics and consumer groups", demoNamespace, 'demo')
    .addHelpText(
      'after',
      `
Ctrl-C stops it early: the workers drain, the scheduler stops, and the summary still prints. The live table
counts what the workers report at their /metrics endpoints; the summary's dead letters are read from each
type's dead-letter topic. Needs a checkout of taskstream (it runs the CLI from its sources).`,
    )
    .action(async (opts: { duration: number; rate: number; dir: string; namespace: string }) => {
      const { runDemo } = await import('../../demo/runDemo.js');
      await runDemo({
        durationMs: opts.duration,
        rate: opts.rate,
        dir: path.resolve(opts.dir),
        namespace: opts.namespace,
      });
    });
}
