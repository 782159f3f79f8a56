// The task types the `taskstream` CLI knows in this checkout: the ones taskstream ships.
// A project writes its own file like this one, listing its own task definitions.
import { defineConfig } from './ops/cli/config/defineConfig.js';
import { shippedTasks } from './schemas/tasks.js';

export default defineConfig({ tasks: shippedTasks });
