import { ConfigError, type Logger } from '../../../pipeline/index.js';
import type { Consumers } from '../../../consumers/main.js';
import type { LoadedConfig } from './loadConfig.js';

/**
 * What `taskstream worker` runs: the config's handlers; else, when no config was named with --config, the
 * shipped consumers (the config found in the working folder, if any, may declare task types only, as this
 * repository's does). A config named with --config must name handlers: running the shipped ones instead would
 * consume topics the user did not ask for.
 */
export async function workerHandlers(config: LoadedConfig, explicit: boolean, log: Logger): Promise<Consumers> {
  if (config.handlers.length > 0) {
    log.info(
      { config: config.source, types: config.handlers.map((h) => h.task.name) },
      "running the config's handlers",
    );
    return { handlers: config.handlers, close: async () => undefined };
  }
  if (explicit) {
    throw new ConfigError(
      `config file ${config.source} names no handlers for taskstream worker (export handlers: [handle(task, async (payload, ctx) => …)] beside tasks)`,
    );
  }
  // Loaded only here: the shipped consumers read SMTP_URL and say which transport they use when built.
  const { shippedConsumers } = await import('../../../consumers/main.js');
  const shipped = shippedConsumers({ log });
  log.info(
    { config: config.source, types: shipped.handlers.map((h) => h.task.name) },
    'the config names no handlers: running the shipped consumers',
  );
  return shipped;
}
