import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';

/**
 * What the bare-kafkajs contenders of every bench are made of: an application's own kafkajs client on the
 * stack's brokers, a producer with taskstream's producer settings, and the registry library it would encode with.
 */
export function bareKafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
}

/** Idempotent, one request in flight (as kafkajs allows an idempotent producer), kafkajs's default partitioner. */
export function bareProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** @kafkajs/confluent-schema-registry on the stack's registry (Apicurio serves the Confluent API under /apis/ccompat/v7). */
export function registryLibrary(): SchemaRegistry {
  const url = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081';
  return new SchemaRegistry({ host: /\/apis\/ccompat\/v\d+$/.test(url) ? url : `${url}/apis/ccompat/v7` });
}
