import { ConfigError } from '../errors.js';
import { readVariableFile } from '../security/envFile.js';
import { isSaslMechanism, type KafkaSasl, type KafkaSecurity } from './KafkaSecurity.js';

/** Where the brokers are and how to reach them: what Worker, TaskProducer, Scheduler and the CLI accept. */
export interface KafkaOptions extends KafkaSecurity {
  /** host:port list; default KAFKA_BROKERS, else 127.0.0.1:9092. */
  readonly brokers?: readonly string[];
}

/** KafkaOptions with the environment filled in: what a client is made from. */
export interface KafkaTarget {
  readonly brokers: string[];
  readonly security: KafkaSecurity;
}

export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/**
 * Each option given wins; each left out comes from its environment variables (read now, files included, so a
 * missing file fails at construction, naming the variable).
 */
export function resolveKafka(options: KafkaOptions, env: NodeJS.ProcessEnv = process.env): KafkaTarget {
  const ssl = options.ssl ?? sslFromEnv(env);
  const sasl = options.sasl ?? saslFromEnv(env);
  return {
    brokers: options.brokers ? [...options.brokers] : brokersFromEnv(env),
    security: { ...(ssl === undefined ? {} : { ssl }), ...(sasl === undefined ? {} : { sasl }) },
  };
}

const SSL_FILES = { ca: 'KAFKA_SSL_CA_FILE', cert: 'KAFKA_SSL_CERT_FILE', key: 'KAFKA_SSL_KEY_FILE' } as const;
const SASL_VARIABLES = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const;

/** KAFKA_SSL=true (system CAs), or any of the KAFKA_SSL_*_FILE variables (which imply TLS). */
function sslFromEnv(env: NodeJS.ProcessEnv): KafkaSecurity['ssl'] {
  const flag = env.KAFKA_SSL?.trim().toLowerCase();
  if (flag !== undefined && flag !== '' && !['true', 'false', '1', '0'].includes(flag)) {
    throw new ConfigError(`KAFKA_SSL must be true or false, got "${env.KAFKA_SSL}"`);
  }
  const on = flag === undefined || flag === '' ? undefined : flag === 'true' || flag === '1';
  const files = Object.entries(SSL_FILES).filter(([, variable]) => env[variable]);
  if (files.length === 0) return on;
  if (on === false) {
    throw new ConfigError(`KAFKA_SSL is false but ${files.map(([, v]) => v).join(', ')} is set: unset one`);
  }
  return Object.fromEntries(files.map(([field, variable]) => [field, readVariableFile(variable, env)]));
}

function saslFromEnv(env: NodeJS.ProcessEnv): KafkaSasl | undefined {
  const missing = SASL_VARIABLES.filter((v) => !env[v]);
  if (missing.length === SASL_VARIABLES.length) return undefined;
  if (missing.length > 0) {
    throw new ConfigError(`${missing.join(' and ')} not set: a SASL login needs all of ${SASL_VARIABLES.join(', ')}`);
  }
  const mechanism = env.KAFKA_SASL_MECHANISM as string;
  if (!isSaslMechanism(mechanism)) {
    throw new ConfigError(`KAFKA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "${mechanism}"`);
  }
  return { mechanism, username: env.KAFKA_SASL_USERNAME as string, password: env.KAFKA_SASL_PASSWORD as string };
}
