import { inject } from 'vitest';
import type { SaslSslEndpoint } from '../../ops/stack/SaslSslListener.js';

/** Where the real services of this test run are, as the global setup chose them. */
export interface Services {
  readonly kafkaBrokers: string;
  readonly registryUrl: string;
  readonly redisUrl: string;
  /** PostgreSQL, for the generate-report consumer. */
  readonly databaseUrl: string;
  /** 'local' when the local stack (ours, controllable for fault tests) serves them. */
  readonly source: 'env' | 'testcontainers' | 'local';
  /** The local stack's SASL_SSL listener, when it answers (whatever serves the other addresses). */
  readonly saslSsl?: SaslSslEndpoint;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: Services;
  }
}

export function services(): Services {
  return inject('services');
}

export function brokers(): string[] {
  return services().kafkaBrokers.split(',');
}
