import type { Redis } from 'ioredis';
import { pino } from 'pino';
import type { Command } from 'commander';
import type { RegistryAccess } from '../../../pipeline/codec/RegistryEndpoint.js';
import {
  RegistryUnavailableError,
  ServiceUnavailableError,
  TaskstreamError,
  type ErrorCode,
} from '../../../pipeline/errors.js';
import { GroupAdmin } from '../../../pipeline/kafka/GroupAdmin.js';
import { createKafka, type KafkaClient } from '../../../pipeline/kafka/KafkaConnection.js';
import { resolveKafka, type KafkaOptions } from '../../../pipeline/kafka/kafkaFromEnv.js';
import { TopicAdmin } from '../../../pipeline/kafka/TopicAdmin.js';
import { loggerOptions, type Logger } from '../../../pipeline/logging/logger.js';
import { createRedis, pingRedis, redisUrlFromEnv } from '../../../pipeline/redis/redisConnection.js';
import { loadConfig, type LoadedConfig } from '../config/loadConfig.js';

/** A failed operation with one clear line for the user (exit code 1, no stack trace). */
export class OperationFailed extends TaskstreamError {
  constructor(message: string, code: ErrorCode = 'CONFIG_INVALID', cause?: unknown) {
    super(code, message, { cause });
  }
}

let logger: Logger | undefined;

/**
 * The CLI's logger: silent unless TASKSTREAM_LOG_LEVEL asks, and on stderr, so the kafkajs warnings it
 * routes never mix into a table or into `--json` output.
 */
export function cliLogger(): Logger {
  logger ??= pino(loggerOptions('silent'), pino.destination(2));
  return logger;
}

/** The task types of `--config` (a global option), else of the discovered config file, else the shipped ones. */
export function configOf(command: Command): Promise<LoadedConfig> {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  return loadConfig(config);
}

/** The config's `kafka` and `registry` sections: what the CLI connects with, the environment filling the rest. */
export type Connections = Pick<LoadedConfig, 'kafka' | 'registry'>;

/** The options of a TaskProducer, Worker or Scheduler the CLI makes: the config's sections under their names. */
export function connectionOptions(config: Connections): KafkaOptions & RegistryAccess {
  const { kafka, registry } = config;
  return { ...kafka, registryUrl: registry.url, registryAuth: registry.auth, registryCa: registry.ca };
}

export interface KafkaAdmins {
  readonly address: string;
  /** The command's client, for what the admins do not cover (reading ranges, producing, offset commits). */
  readonly kafka: KafkaClient;
  readonly topics: TopicAdmin;
  readonly groups: GroupAdmin;
}

/**
 * Connects to Kafka for one CLI command and closes the clients afterwards. A broker that does not answer
 * fails at once with one line naming its address (a probe without retries and a 3 s connect timeout);
 * the admin clients that do the work keep kafkajs's retries for transient errors such as a coordinator
 * that is still loading.
 */
export async function withKafka<T>(config: Connections, fn: (admins: KafkaAdmins) => Promise<T>): Promise<T> {
  const { brokers, security } = resolveKafka(config.kafka);
  const address = brokers.join(',');
  await probeKafka(config);
  const kafka = createKafka({ brokers, security, logger: cliLogger(), clientId: 'taskstream-cli', retries: 3 });
  const admins = { address, kafka, topics: new TopicAdmin(kafka, address), groups: new GroupAdmin(kafka, address) };
  try {
    return await translateErrors(() => fn(admins));
  } finally {
    await Promise.allSettled([admins.topics.close(), admins.groups.close()]);
  }
}

/**
 * Connects to Redis (REDIS_URL) for one CLI command and disconnects afterwards. Redis that does not answer fails
 * at once with one line naming its address and suggesting `stack up`.
 */
export async function withRedis<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
  const url = redisUrlFromEnv();
  const redis = createRedis(url, cliLogger());
  try {
    await pingRedis(redis, url);
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * Throws when no broker answers (ServiceUnavailableError, naming the address and suggesting `stack up`) or when
 * the brokers refuse the login or TLS (AuthenticationError, TlsError: one line saying what to check).
 */
export async function probeKafka(config: Connections): Promise<void> {
  const { brokers, security } = resolveKafka(config.kafka);
  const address = brokers.join(',');
  const kafka = createKafka({
    brokers,
    security,
    logger: cliLogger(),
    clientId: 'taskstream-cli-probe',
    retries: 0,
    connectionTimeoutMs: 3000,
  });
  const probe = new TopicAdmin(kafka, address);
  try {
    await probe.brokerIds();
  } catch (err) {
    if (err instanceof TaskstreamError) throw err;
    throw new ServiceUnavailableError('Kafka', address, err);
  } finally {
    await probe.close().catch(() => undefined);
  }
}

/**
 * Keeps failures to one line: the registry's own error gets the same hint as Kafka's, and a Kafka error
 * that is not ours (a refused request, say) becomes an OperationFailed with the broker's message.
 */
export async function translateErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RegistryUnavailableError) {
      throw new OperationFailed(
        `${err.message}; start the local stack with \`npx taskstream stack up\` (or set SCHEMA_REGISTRY_URL)`,
        'REGISTRY_UNAVAILABLE',
        err,
      );
    }
    if (err instanceof TaskstreamError) throw err;
    if (err instanceof Error && /^KafkaJS/.test(err.name)) {
      throw new OperationFailed(`Kafka refused the request: ${err.message}`, 'SERVICE_UNAVAILABLE', err);
    }
    throw err;
  }
}
