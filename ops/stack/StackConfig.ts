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

/** The default single-node stack: the ports docker-compose.yml uses too. */
export const SINGLE_NODE: StackLayout = {
  name: 'single',
  nodes: [{ nodeId: 1, brokerPort: 9092, controllerPort: 9093 }],
  registryPort: 8081,
  registryManagementPort: 8089,
  redisPort: 6379,
  postgresPort: 5432,
};

/** Three combined broker+controller nodes for fault tests, on ports apart from the single node. */
export const THREE_NODES: StackLayout = {
  name: 'cluster3',
  nodes: [1, 2, 3].map((nodeId) => ({ nodeId, brokerPort: 29090 + nodeId, controllerPort: 29190 + nodeId })),
  registryPort: 8081,
  registryManagementPort: 8089,
  redisPort: 6379,
  postgresPort: 5432,
};

export function layoutFor(brokers: number): StackLayout {
  if (brokers === 1) return SINGLE_NODE;
  if (brokers === 3) return THREE_NODES;
  throw new RangeError(`--brokers must be 1 or 3, got ${brokers}`);
}

export function bootstrapOf(layout: StackLayout): string {
  return layout.nodes.map((n) => `127.0.0.1:${n.brokerPort}`).join(',');
}
