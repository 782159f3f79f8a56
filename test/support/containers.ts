import { GenericContainer, Network, Wait, type StartedTestContainer } from 'testcontainers';

/**
 * The same stack as docker-compose.yml, for machines with a Docker engine. Host ports are fixed to the
 * local stack's so Kafka can advertise 127.0.0.1:9092 to clients outside the container network.
 */
export async function startContainers(): Promise<{
  services: { kafkaBrokers: string; registryUrl: string; redisUrl: string; databaseUrl: string };
  stop: () => Promise<void>;
}> {
  const network = await new Network().start();
  const started: StartedTestContainer[] = [];
  try {
    const kafka = await new GenericContainer('apache/kafka:4.1.1')
      .withNetwork(network)
      .withNetworkAliases('kafka')
      .withExposedPorts({ container: 9092, host: 9092 })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,INTERNAL://:29092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:9092,INTERNAL://kafka:29092',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
        KAFKA_NUM_PARTITIONS: '1',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start();
    started.push(kafka);
    const registry = await new GenericContainer('confluentinc/cp-schema-registry:8.1.1')
      .withNetwork(network)
      .withExposedPorts({ container: 8081, host: 8081 })
      .withEnvironment({
        SCHEMA_REGISTRY_HOST_NAME: 'schema-registry',
        SCHEMA_REGISTRY_LISTENERS: 'http://0.0.0.0:8081',
        SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: 'PLAINTEXT://kafka:29092',
      })
      .withWaitStrategy(Wait.forHttp('/subjects', 8081))
      .start();
    started.push(registry);
    const redis = await new GenericContainer('redis:7')
      .withExposedPorts({ container: 6379, host: 6379 })
      .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
      .start();
    started.push(redis);
    const postgres = await new GenericContainer('postgres:17')
      .withExposedPorts({ container: 5432, host: 5432 })
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    started.push(postgres);
  } catch (err) {
    await Promise.allSettled(started.map((c) => c.stop()));
    await network.stop();
    throw err;
  }
  return {
    services: {
      kafkaBrokers: '127.0.0.1:9092',
      registryUrl: 'http://127.0.0.1:8081',
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    stop: async () => {
      await Promise.allSettled(started.reverse().map((c) => c.stop()));
      await network.stop();
    },
  };
}
