import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import { ConfigError } from '../errors.js';

/**
 * The only place taskstream constructs a kafkajs client. kafkajs is in maintenance; everything else talks
 * to the narrow interfaces in this folder, so another client can replace it here.
 */
export interface KafkaConnectionOptions {
  /** host:port list; default from KAFKA_BROKERS, else 127.0.0.1:9092. */
  readonly brokers?: readonly string[];
  readonly clientId?: string;
  readonly logger: Logger;
  /** Give up connecting after this long; kept short so a missing broker is reported quickly. */
  readonly connectionTimeoutMs?: number;
  /** How often kafkajs retries a failed request before giving up (its default is 5). */
  readonly retries?: number;
}

export function brokersFromEnv(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/** The client handle the admin, consumer and producer classes of this folder are built on (opaque elsewhere). */
export type KafkaClient = Kafka;

export function createKafka(options: KafkaConnectionOptions): Kafka {
  const brokers = options.brokers ? [...options.brokers] : brokersFromEnv();
  if (brokers.length === 0)
    throw new ConfigError('brokers is empty: give at least one host:port (or set KAFKA_BROKERS)');
  for (const b of brokers) {
    if (!/^[^:\s]+:\d+$/.test(b)) throw new ConfigError(`broker "${b}" is not host:port`);
  }
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId ?? 'taskstream',
    brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
      log[level]({ ns: entry.namespace, ...extra }, message);
    },
  });
}
