import { GroupAdmin } from '../../pipeline/kafka/GroupAdmin.js';
import { createKafka } from '../../pipeline/kafka/KafkaConnection.js';
import { resolveKafka, type KafkaOptions } from '../../pipeline/kafka/kafkaFromEnv.js';
import { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { rootLogger, type Logger } from '../../pipeline/logging/logger.js';
import { createRedis, redisUrlFromEnv } from '../../pipeline/redis/redisConnection.js';
import type { RegistryOptions } from '../../pipeline/codec/RegistryEndpoint.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';
import { createDashboardHandler } from './dashboardHandler.js';

export type { DashboardHandler } from './dashboardHandler.js';

export interface MountedDashboardOptions {
  readonly tasks: readonly TaskDefinition[];
  /** The workers' `groupPrefix` (default `taskstream`). */
  readonly groupPrefix?: string;
  /** How to reach Kafka; fields left out come from the environment (KAFKA_BROKERS, KAFKA_SSL*, KAFKA_SASL*). */
  readonly kafka?: KafkaOptions;
  /** How to reach the registry, to decode dead letters (default: SCHEMA_REGISTRY_URL). */
  readonly registry?: RegistryOptions;
  /** Default REDIS_URL. */
  readonly redisUrl?: string;
  /** Actions and dead-letter reads then need `Authorization: Bearer <token>`; set one unless only loopback reaches it. */
  readonly token?: string;
  /** The path it is mounted under in your server (`/ops`), stripped before routing; not needed where the framework strips it. */
  readonly basePath?: string;
  readonly logger?: Logger;
}

/**
 * The dashboard as a request listener for your own HTTP server, as Bull Board is mounted:
 *
 * ```ts
 * const dashboard = dashboardHandler({ tasks, basePath: '/ops', token: process.env.OPS_TOKEN });
 * http.createServer((req, res) => (req.url?.startsWith('/ops') ? dashboard(req, res) : app(req, res)));
 * ```
 *
 * Mount it under a path with a trailing slash (`/ops/`): the page's requests are relative. `close()` stops its
 * sampling and disconnects its Kafka and Redis clients.
 */
export function dashboardHandler(options: MountedDashboardOptions) {
  const log = options.logger ?? rootLogger();
  const { brokers, security } = resolveKafka(options.kafka ?? {});
  const address = brokers.join(',');
  const kafka = createKafka({ brokers, security, logger: log, clientId: 'taskstream-dashboard' });
  const admins = { address, kafka, groups: new GroupAdmin(kafka, address), topics: new TopicAdmin(kafka, address) };
  const redis = createRedis(options.redisUrl ?? redisUrlFromEnv(), log);
  const handler = createDashboardHandler({
    tasks: options.tasks,
    admins,
    groupPrefix: options.groupPrefix,
    redis,
    registry: options.registry,
    token: options.token,
    basePath: options.basePath,
    log,
  });
  const stopSampling = handler.close;
  return Object.assign(handler, {
    close: async (): Promise<void> => {
      stopSampling();
      await Promise.allSettled([admins.groups.close(), admins.topics.close()]);
      redis.disconnect();
    },
  });
}
