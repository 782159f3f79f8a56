import { createRequire } from 'node:module';
import { ConfigError } from '../errors.js';

/**
 * taskstream's producer relies on a fix to kafkajs's send path (patches/kafkajs+2.2.4.patch, applied by
 * patch-package on install): without it, a broker failover can lose acknowledged records (kafkajs #1303).
 * Producing on an unpatched copy would break our promise silently, so it refuses to start instead.
 */
let checked = false;

export function assertKafkajsPatched(): void {
  if (checked) return;
  const require = createRequire(import.meta.url);
  const sendMessages = require('kafkajs/src/producer/sendMessages.js') as { patchedForPartitionOutcomes?: boolean };
  if (sendMessages.patchedForPartitionOutcomes !== true) {
    throw new ConfigError(
      "kafkajs is installed without taskstream's patch (patches/kafkajs+2.2.4.patch): run `npm ci` (its postinstall " +
        'runs patch-package), or `npx patch-package` after installing by other means',
    );
  }
  checked = true;
}
