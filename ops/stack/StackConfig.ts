import os from 'node:os';
import path from 'node:path';
import { isCheckout, packageRoot } from '../packageRoot.js';

/** Versions and addresses of the local stack, declared in one place. */
export const KAFKA_VERSION = '4.1.1';
/** 3.3.3 needs Java 21+; 3.0.9 is the fallback that runs on Java 17. */
export const APICURIO_VERSION = '3.3.3';
export const APICURIO_FALLBACK_VERSION = '3.0.9';

/**
 * Where the stack lives unless TASKSTREAM_STACK_DIR says: `.stack` in a checkout; for an installed package, one
 * folder per user (the downloads are 200 MB, and the ports it takes are the machine's anyway).
 */
function defaultStackDir(): string {
  if (isCheckout()) return path.join(packageRoot(), '.stack');
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(cache, 'taskstream', 'stack');
}

export interface StackPaths {
  /** Downloads (jars, registry archive); reused across runs. */
  readonly cache: string;
  /** Broker storage, pid files, generated configs. */
  readonly run: string;
  /** One folder for every process's log, tailed by `stack logs`. */
  readonly logs: string;
  readonly pom: string;
}

export function stackPaths(root = process.env.TASKSTREAM_STACK_DIR ?? defaultStackDir()): StackPaths {
  return {
    cache: path.join(root, 'cache'),
    run: path.join(root, 'run'),
    logs: path.join(root, 'logs'),
    pom: path.join(packageRoot(), 'ops', 'stack', 'pom.xml'),
  };
}

export interface KafkaNodePorts {
  readonly nodeId: number;
  readonly brokerPort: number;
  readonly controllerPort: number;
  /** A second client listener speaking SASL_SSL (SCRAM and PLAIN over TLS), for testing secured clients. */
  readonly saslSslPort?: number;
}

export interface StackLayout {
  /** Name used for the run folder and pid files, so a 3-node cluster can run beside the single node. */
  readonly name: string;
  readonly nodes: readonly KafkaNodePorts[];
  readonly registryPort: number;
  readonly registryManagementPort: number;
  readonly redisPort: number;
  /** The machine's PostgreSQL, for generate-report: checked, never started by the stack. */
  readonly postgresPort: number;
}

/**
 * The user the SASL_SSL listener knows, for SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN alike. A credential of the
 * local stack only, like the stack's plaintext listener it sits beside.
 */
export const STACK_SASL_USER = { username: 'taskstream', password: 'taskstream-local-secret' } as const;

/**
 * TASKSTREAM_STACK_PORT_OFFSET moves every port of a layout by that much, so a second stack (with its own
 * TASKSTREAM_STACK_DIR) can run beside the default one without touching it.
 */
export function portOffset(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TASKSTREAM_STACK_PORT_OFFSET;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 50_000) {
    throw new RangeError(`TASKSTREAM_STACK_PORT_OFFSET must be an integer from 0 to 50000, got "${raw}"`);
  }
  return n;
}

function shifted(layout: StackLayout, by: number): StackLayout {
  return {
    ...layout,
    nodes: layout.nodes.map((n) => ({
      nodeId: n.nodeId,
      brokerPort: n.brokerPort + by,
      controllerPort: n.controllerPort + by,
      ...(n.saslSslPort === undefined ? {} : { saslSslPort: n.saslSslPort + by }),
    })),
    registryPort: layout.registryPort + by,
    registryManagementPort: layout.registryManagementPort + by,
    redisPort: layout.redisPort + by,
  };
}

/** The default single-node stack: the ports docker-compose.yml uses too (the SASL_SSL listener is ours only). */
export const SINGLE_NODE: StackLayout = shifted(
  {
    name: 'single',
    nodes: [{ nodeId: 1, brokerPort: 9092, controllerPort: 9093, saslSslPort: 9094 }],
    registryPort: 8081,
    registryManagementPort: 8089,
    redisPort: 6379,
    postgresPort: 5432,
  },
  portOffset(),
);

/** Three combined broker+controller nodes for fault tests, on ports apart from the single node. */
export const THREE_NODES: StackLayout = shifted(
  {
    name: 'cluster3',
    nodes: [1, 2, 3].map((nodeId) => ({ nodeId, brokerPort: 29090 + nodeId, controllerPort: 29190 + nodeId })),
    registryPort: 8081,
    registryManagementPort: 8089,
    redisPort: 6379,
    postgresPort: 5432,
  },
  portOffset(),
);

export function layoutFor(brokers: number): StackLayout {
  if (brokers === 1) return SINGLE_NODE;
  if (brokers === 3) return THREE_NODES;
  throw new RangeError(`--brokers must be 1 or 3, got ${brokers}`);
}

export function bootstrapOf(layout: StackLayout): string {
  return layout.nodes.map((n) => `127.0.0.1:${n.brokerPort}`).join(',');
}

/** The SASL_SSL listeners' addresses, or undefined when the layout has none. */
export function saslSslBootstrapOf(layout: StackLayout): string | undefined {
  const ports = layout.nodes.flatMap((n) => (n.saslSslPort === undefined ? [] : [n.saslSslPort]));
  return ports.length === 0 ? undefined : ports.map((p) => `127.0.0.1:${p}`).join(',');
}
