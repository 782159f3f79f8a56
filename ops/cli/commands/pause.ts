import type { Command } from 'commander';
import { pauseGroup, pausedKey, resumeGroup } from '../../../pipeline/runtime/pausedTypes.js';
import { findTask } from '../config/loadConfig.js';
import { workerGroupOf } from '../shared/groups.js';
import { say } from '../shared/output.js';
import { configOf, withRedis } from '../shared/services.js';

const HELP = `
The pause is a Redis key (taskstream:paused:<groupPrefix>.<type>) that every worker of the type reads
every second, and a worker starting later reads before it takes any task. A paused type's workers start
none of its tasks (retry tiers included), let the running ones finish, and stay in the consumer group, so
their partitions do not move; what they had fetched waits in memory. \`taskstream resume <type>\` deletes
the key and the workers continue where they stopped.`;

export function registerPauseCommands(program: Command): void {
  program
    .command('pause')
    .description('stop every worker of a task type from starting its tasks (running ones finish)')
    .argument('<type>', 'task type name (from --config)')
    .addHelpText('after', HELP)
    .action(async (type: string, _opts: unknown, cmd: Command) => {
      const config = await configOf(cmd);
      const group = workerGroupOf(config, findTask(config, type).name);
      await withRedis((redis) => pauseGroup(redis, group, 'cli'));
      say(`paused ${type}: its workers start no new task within a second (Redis key ${pausedKey(group)})`);
    });
  program
    .command('resume')
    .description('let the workers of a paused task type start its tasks again')
    .argument('<type>', 'task type name (from --config)')
    .action(async (type: string, _opts: unknown, cmd: Command) => {
      const config = await configOf(cmd);
      const group = workerGroupOf(config, findTask(config, type).name);
      await withRedis((redis) => resumeGroup(redis, group));
      say(`resumed ${type}: its workers continue within a second`);
    });
}
