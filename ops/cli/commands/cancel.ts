import type { Command } from 'commander';
import { TaskProducer } from '../../../pipeline/producer/TaskProducer.js';
import { findTask } from '../config/loadConfig.js';
import { groupPrefixOf } from '../shared/groups.js';
import { printJson, say } from '../shared/output.js';
import {
  cliLogger,
  configOf,
  connectionOptions,
  OperationFailed,
  probeKafka,
  translateErrors,
  withRedis,
} from '../shared/services.js';

export function registerCancelCommand(program: Command): void {
  program
    .command('cancel')
    .description('cancel a task not yet started (a delayed one, say): the worker that reaches it skips it')
    .argument('<type>', 'task type name')
    .argument('<task id>', 'the id enqueue printed (`<topic>-<partition>-<offset>`, or the --id given)')
    .option(
      '--group-prefix <prefix>',
      "the workers' groupPrefix (default: the config's worker.groupPrefix, else taskstream)",
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Exit code 1 when there is nothing to cancel: the task finished already (its dedupe mark says so), or no task
of the type has the id (a position past the end of its topic). An id of your own cannot be checked that way:
it is recorded as cancelled. The task type needs dedupe (on by default).

Example:
  taskstream cancel send-email tasks.send-email.delay.10m-3-1742`,
    )
    .action(async (type: string, taskId: string, opts: { groupPrefix?: string; json?: boolean }, cmd: Command) => {
      const config = await configOf(cmd);
      const task = findTask(config, type);
      await probeKafka(config);
      // One line naming Redis's address when it is away, before anything else is tried.
      await withRedis(async () => undefined);
      const producer = new TaskProducer({
        ...connectionOptions(config),
        logger: cliLogger(),
        groupPrefix: opts.groupPrefix ?? groupPrefixOf(config),
        createTopics: false,
      });
      try {
        const outcome = await translateErrors(() => producer.cancel(task, taskId));
        if (opts.json) printJson({ type: task.name, taskId, outcome });
        if (outcome === 'cancelled') {
          if (!opts.json) say(`cancelled ${task.name} task ${taskId}: a worker that reaches it will not run it`);
          return;
        }
        throw new OperationFailed(
          outcome === 'finished'
            ? `${task.name} task ${taskId} finished already; nothing was cancelled`
            : `no ${task.name} task has the id ${taskId} (a position past the end of its topic); nothing was cancelled`,
        );
      } finally {
        await producer.close().catch(() => undefined);
      }
    });
}
