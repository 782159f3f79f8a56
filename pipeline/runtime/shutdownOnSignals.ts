import type { Logger } from '../logging/logger.js';

/**
 * SIGTERM or SIGINT closes the worker gracefully (stop fetching, finish or abort in-flight work within the
 * deadline, commit, leave the group); a second signal exits at once.
 */
export function shutdownOnSignals(target: { close(): Promise<void> }, log: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    signalled = true;
    log.info({ signal }, 'shutting down gracefully; send the signal again to exit at once');
    target.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
