import sendMessages from 'kafkajs/src/producer/sendMessages.js';
import { ConfigError } from '../errors.js';

/**
 * taskstream's producer relies on a fix to kafkajs's send path (patches/kafkajs+2.2.4.patch): without it, a broker
 * failover can lose acknowledged records (kafkajs #1303). A checkout gets it from patch-package on install; the
 * published package bundles the patched kafkajs. Producing on an unpatched copy would break our promise
 * silently, so it refuses to start instead. Imported statically, so a bundle checks the copy it carries.
 */
export function assertKafkajsPatched(): void {
  if (sendMessages.patchedForPartitionOutcomes !== true) {
    throw new ConfigError(
      "kafkajs is installed without taskstream's patch (patches/kafkajs+2.2.4.patch): run `npm ci` (its postinstall " +
        'runs patch-package), or `npx patch-package` after installing by other means',
    );
  }
}
