import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { LocalStack } from '../../ops/stack/LocalStack.js';
import { SINGLE_NODE, stackPaths } from '../../ops/stack/StackConfig.js';
import { portOpen } from '../../ops/stack/probes.js';
import type { SaslSslEndpoint } from '../../ops/stack/SaslSslListener.js';
import type { Services } from './services.js';
import { startContainers } from './containers.js';
import { DEFAULT_DATABASE_URL } from '../../consumers/report/postgresFromEnv.js';

/**
 * Picks the real services for the integration tests, in this order: the addresses in KAFKA_BROKERS,
 * SCHEMA_REGISTRY_URL and REDIS_URL (and DATABASE_URL, default the local PostgreSQL); testcontainers when a
 * Docker engine answers; otherwise the local stack (`taskstream stack up`), which is left running for the next
 * run and reuses the machine's PostgreSQL on 127.0.0.1:5432.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL } = process.env;
  if (KAFKA_BROKERS && SCHEMA_REGISTRY_URL && REDIS_URL) {
    provide(project, {
      kafkaBrokers: KAFKA_BROKERS,
      registryUrl: SCHEMA_REGISTRY_URL,
      redisUrl: REDIS_URL,
      databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
      source: 'env',
      saslSsl: await answeringSaslSsl(new LocalStack(stackPaths(), SINGLE_NODE)),
    });
    return undefined;
  }
  if (dockerAnswers()) {
    const started = await startContainers();
    provide(project, { ...started.services, source: 'testcontainers' });
    return started.stop;
  }
  const stack = new LocalStack(stackPaths(), SINGLE_NODE);
  await stack.up({ report: (line) => process.stdout.write(`[stack] ${line}\n`) });
  provide(project, {
    kafkaBrokers: stack.bootstrap,
    registryUrl: stack.registry.url,
    redisUrl: stack.redisUrl,
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    source: 'local',
    saslSsl: await answeringSaslSsl(stack),
  });
  return undefined;
}

/** The local stack's SASL_SSL listener if its certificates exist and every node's port answers. */
async function answeringSaslSsl(stack: LocalStack): Promise<SaslSslEndpoint | undefined> {
  const endpoint = stack.saslSsl.endpoint();
  if (!endpoint) return undefined;
  const ports = stack.layout.nodes.map((n) => n.saslSslPort ?? 0);
  return (await Promise.all(ports.map((p) => portOpen(p)))).every(Boolean) ? endpoint : undefined;
}

function provide(project: TestProject, services: Services): void {
  project.provide('services', services);
}

function dockerAnswers(): boolean {
  const socket = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
  if (!process.env.DOCKER_HOST && !fs.existsSync(socket)) return false;
  const res = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000, encoding: 'utf8' });
  return res.status === 0 && res.stdout.trim().length > 0;
}
