import fs from 'node:fs';
import type { KafkaOptions } from '../../pipeline/kafka/kafkaFromEnv.js';
import type { SaslSslEndpoint } from '../../ops/stack/SaslSslListener.js';
import { services } from './services.js';

/**
 * Only the local stack runs a SASL_SSL listener; testcontainers and addresses given by KAFKA_BROKERS have none
 * of ours to test against, so the secured-connection tests skip there (and only there).
 */
export const withoutSaslSsl = (): boolean => services().source !== 'local' && services().saslSsl === undefined;

/** The local stack's SASL_SSL listener; a stack started before it had one is told how to get it. */
export function saslSsl(): SaslSslEndpoint {
  const endpoint = services().saslSsl;
  if (!endpoint) {
    throw new Error(
      'the local stack has no SASL_SSL listener answering: it was started before it had one (run `npx taskstream stack down && npx taskstream stack up`), or without openssl (see what `stack up` printed)',
    );
  }
  return endpoint;
}

/** Worker or TaskProducer options reaching it with SCRAM and the stack's CA; `overrides` replace any of them. */
export function saslSslOptions(overrides: Partial<KafkaOptions> = {}): KafkaOptions {
  const { bootstrap, caFile, username, password } = saslSsl();
  return {
    brokers: bootstrap.split(','),
    ssl: { ca: fs.readFileSync(caFile) },
    sasl: { mechanism: 'SCRAM-SHA-512', username, password },
    ...overrides,
  };
}
