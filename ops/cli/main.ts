import { Command, CommanderError } from 'commander';
import { TaskstreamError } from '../../pipeline/errors.js';
import { registerStackCommand } from './commands/stack.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerTopicsCommand } from './commands/topics.js';
import { registerEnqueueCommand } from './commands/enqueue.js';
import { registerLagCommand } from './commands/lag.js';
import { registerWorkersCommand } from './commands/workers.js';
import { registerOffsetsCommand } from './commands/offsets.js';
import { registerDlqCommand } from './commands/dlq.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerScheduleCommand } from './commands/schedule.js';
import { registerPauseCommands } from './commands/pause.js';
import { registerCancelCommand } from './commands/cancel.js';
import { UsageError } from './UsageError.js';
import { packageVersion } from '../packageRoot.js';

// A reader that stops early (`taskstream dlq list | head`) closes the pipe: stop quietly with the status of a
// process ended by SIGPIPE, as Unix tools do, instead of a stack trace for an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
});

/** Exit codes: 0 done, 1 the operation failed, 2 bad usage, 141 the reader of stdout went away. */
const program = new Command('taskstream')
  .description('Background jobs on Apache Kafka: operate the pipeline and its local stack')
  .version(packageVersion(), '-V, --version', 'print the version of taskstream')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerStackCommand(program);
registerDemoCommand(program);
registerWorkerCommand(program);
program.option(
  '--config <path>',
  'task definitions module (default: ./taskstream.config.ts or .js, else the task types taskstream ships)',
);
registerTopicsCommand(program);
registerEnqueueCommand(program);
registerCancelCommand(program);
registerLagCommand(program);
registerWorkersCommand(program);
registerOffsetsCommand(program);
registerDlqCommand(program);
registerDashboardCommand(program);
registerScheduleCommand(program);
registerPauseCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed the message (or the help).
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`taskstream: ${err.message}\n`);
    return 2;
  }
  if (err instanceof TaskstreamError) {
    // A user-facing failure: one clear message, no stack trace.
    process.stderr.write(`taskstream: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(
    `taskstream: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 1;
}
