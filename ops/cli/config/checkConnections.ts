import { resolveRegistry, type RegistryOptions } from '../../../pipeline/codec/RegistryEndpoint.js';
import { ConfigError } from '../../../pipeline/errors.js';
import type { KafkaOptions } from '../../../pipeline/kafka/kafkaFromEnv.js';
import { clientSecurity } from '../../../pipeline/kafka/KafkaSecurity.js';

const KAFKA_KEYS = ['brokers', 'ssl', 'sasl'];
const REGISTRY_KEYS = ['url', 'auth', 'ca'];

/** A config's `kafka` section, checked now (naming the file), so a typo fails before any command connects. */
export function checkKafkaSection(config: unknown, file: string): KafkaOptions {
  const kafka = section(config, 'kafka', KAFKA_KEYS, file) as KafkaOptions;
  if (
    kafka.brokers !== undefined &&
    !(Array.isArray(kafka.brokers) && kafka.brokers.every((b) => typeof b === 'string'))
  ) {
    throw new ConfigError(`config file ${file}: kafka.brokers must be an array of "host:port" strings`);
  }
  inFile(file, 'kafka.', () => clientSecurity(kafka));
  return kafka;
}

/**
 * A config's `registry` section, checked now. Of the environment only the URL is consulted (a CA needs an https
 * one); its credentials and CA file are read, and their mistakes reported, when a command connects.
 */
export function checkRegistrySection(config: unknown, file: string): RegistryOptions {
  const registry = section(config, 'registry', REGISTRY_KEYS, file) as RegistryOptions;
  if (registry.url !== undefined && typeof registry.url !== 'string') {
    throw new ConfigError(`config file ${file}: registry.url must be a string`);
  }
  const env = { SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL };
  if (Object.keys(registry).length > 0) inFile(file, 'registry: ', () => resolveRegistry(registry, env));
  return registry;
}

function section(config: unknown, name: string, known: readonly string[], file: string): Record<string, unknown> {
  const value = (config as Record<string, unknown>)[name];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`config file ${file}: ${name} must be an object with ${known.join(', ')}`);
  }
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ConfigError(`config file ${file}: ${name}.${unknown[0]} is not an option (known: ${known.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function inFile(file: string, prefix: string, check: () => unknown): void {
  try {
    check();
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`config file ${file}: ${prefix}${err.message}`);
    throw err;
  }
}
