import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import { ConfigError } from '../errors.js';
import { brokersFromEnv } from './kafkaFromEnv.js';
import { clientSecurity, type KafkaSecurity } from './KafkaSecurity.js';

/**
 * The only place taskstream constructs a kafkajs client. kafkajs is in maintenance; everything else talks
 * to the narrow interfaces in this folder, so another client can replace it here.
 */
export interface KafkaConnectionOptions {
  /** host:port list; default from KAFKA_BROKERS, else 127.0.0.1:9092. */
  readonly brokers?: readonly string[];
  /** TLS and SASL, as given (see resolveKafka for the environment's); none means plaintext. */
  readonly security?: KafkaSecurity;
  readonly clientId?: string;
  readonly logger: Logger;
  /** Give up connecting after this long; kept short so a missing broker is reported quickly. */
  readonly connectionTimeoutMs?: number;
  /** How often kafkajs retries a failed request before giving up (its default is 5). */
  readonly retries?: number;
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
  // `lib`, not `component`: the logger given is usually a component's (worker, producer), and pino writes a
  // child's binding beside its parent's, so a second `component` made lines with the key twice.
  const log = options.logger.child({ lib: 'kafkajs' });
  const { ssl, sasl, plainWithoutTls } = clientSecurity(options.security ?? {});
  if (plainWithoutTls) {
    log.warn({ brokers }, 'SASL PLAIN without ssl: the password crosses the network unencrypted; set ssl (KAFKA_SSL)');
  }
  return new Kafka({
    clientId: options.clientId ?? 'taskstream',
    brokers,
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl === undefined ? {} : { sasl }),
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      log[levelOf(entry)]({ ns: entry.namespace, ...extra }, message);
    },
  });
}

/**
 * Protocol errors that kafkajs's connection logs at error level and then retries by itself: a leader or group
 * coordinator moving or still being elected, as on every start against freshly created topics. Nothing has
 * failed yet; if the retries run out, the caller gets the error and reports it.
 */
const RETRIED_BY_CLIENT = new Set([
  'This server is not the leader for that topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  "The coordinator is loading and hence can't process requests for this group",
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
]);

/**
 * Warnings that do not apply to taskstream: its producer bounds the retries of an idempotent producer on purpose
 * (a failed send reports per record and continues with a new producer id; see RecordProducer).
 */
const NOT_APPLICABLE_WARNINGS = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

function levelOf(entry: LogEntry): 'error' | 'warn' | 'debug' {
  if (entry.level === logLevel.WARN && NOT_APPLICABLE_WARNINGS.has(entry.log.message)) return 'debug';
  if (entry.level === logLevel.ERROR) {
    const error = (entry.log as { error?: unknown }).error;
    return entry.namespace === 'Connection' && typeof error === 'string' && RETRIED_BY_CLIENT.has(error)
      ? 'debug'
      : 'error';
  }
  return entry.level === logLevel.WARN ? 'warn' : 'debug';
}
