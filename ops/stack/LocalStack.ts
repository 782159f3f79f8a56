import fs from 'node:fs';
import path from 'node:path';
import { StackError } from '../../pipeline/errors.js';
import { createKafka } from '../../pipeline/kafka/KafkaConnection.js';
import { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { createLogger } from '../../pipeline/logging/logger.js';
import { ensureApicurio, ensureKafkaLibs } from './Downloads.js';
import { findJava } from './JavaRuntime.js';
import { KafkaNode, randomClusterId } from './KafkaNode.js';
import { ManagedProcess } from './ManagedProcess.js';
import { httpOk, kafkaBrokerCount, portOpen, postgresAnswers, redisPing, waitUntil } from './probes.js';
import { howToStartPostgres } from './postgresHint.js';
import { REGISTRY_JOURNAL_TOPIC, RegistryServer } from './RegistryServer.js';
import { SaslSslListener } from './SaslSslListener.js';
import {
  APICURIO_FALLBACK_VERSION,
  APICURIO_VERSION,
  bootstrapOf,
  type StackLayout,
  type StackPaths,
} from './StackConfig.js';

export interface PartStatus {
  readonly part: string;
  readonly address: string;
  readonly up: boolean;
  /** 'stack' when a pid file of ours names it, 'external' when something else answers there. */
  readonly owner: 'stack' | 'external' | 'none';
}

export interface UpOptions {
  /** Start the schema registry too (default true). */
  readonly registry?: boolean;
  /** Start (or check) Redis too (default true); a fault test restarting brokers leaves it alone. */
  readonly redis?: boolean;
  /** Check PostgreSQL too (default true); it is reported, never started. */
  readonly postgres?: boolean;
  readonly report?: (line: string) => void;
}

/**
 * Kafka (KRaft, 1 or 3 nodes), Apicurio Registry and Redis on loopback, started without Docker; and the machine's
 * PostgreSQL, which is only checked: a database server is the machine's to run (and refuses to run as root).
 */
export class LocalStack {
  readonly nodes: KafkaNode[];
  /** The second client listener (SASL_SSL) of the single-node layout; see `saslSsl.endpoint()`. */
  readonly saslSsl: SaslSslListener;
  readonly registry: RegistryServer;
  readonly redis: ManagedProcess;

  constructor(
    private readonly paths: StackPaths,
    readonly layout: StackLayout,
  ) {
    this.nodes = layout.nodes.map((n) => new KafkaNode(paths, layout, n));
    this.saslSsl = new SaslSslListener(paths, layout);
    this.registry = new RegistryServer(paths, layout);
    this.redis = new ManagedProcess(
      'redis',
      path.join(paths.run, layout.name, 'redis.pid'),
      path.join(paths.logs, `${layout.name}-redis.log`),
    );
  }

  get bootstrap(): string {
    return bootstrapOf(this.layout);
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.layout.redisPort}`;
  }

  get postgresAddress(): string {
    return `127.0.0.1:${this.layout.postgresPort}`;
  }

  /** Idempotent: starts what is not running, reuses what already answers, waits until each part is ready. */
  async up(options: UpOptions = {}): Promise<PartStatus[]> {
    const report = options.report ?? (() => undefined);
    await this.upKafka(report);
    if (options.registry !== false) await this.upRegistry(report);
    if (options.redis !== false) await this.upRedis(report);
    if (options.postgres !== false) await this.checkPostgres(report);
    return this.status();
  }

  private async upKafka(report: (line: string) => void): Promise<void> {
    const expected = this.nodes.length;
    if ((await Promise.all(this.nodes.map((n) => kafkaBrokerCount(n.address)))).every((c) => c === expected)) {
      report(`kafka     ${this.bootstrap} already up`);
      await this.saslSsl.ready(this.nodes, false, () => this.kafkaTools(report), report);
      return;
    }
    for (const node of this.nodes) {
      if (!node.process.isRunning()) {
        for (const port of [node.ports.brokerPort, node.ports.controllerPort, node.ports.saslSslPort]) {
          if (port !== undefined && (await portOpen(port))) {
            throw new StackError(
              `port ${port} is taken by a process this stack did not start; stop it, or point KAFKA_BROKERS at your own broker`,
            );
          }
        }
      }
    }
    const { java, libs } = await this.kafkaTools(report);
    const clusterId = await this.clusterId(java, libs);
    const secureListenerOf = await this.saslSsl.prepare(report);
    for (const node of this.nodes) {
      if (node.process.isRunning()) continue;
      const secure = secureListenerOf?.(node);
      if ((await node.format(java, libs, clusterId, secure)) && secure) this.saslSsl.formattedWithUsers(node);
      node.start(java, libs);
      report(`kafka     started node ${node.ports.nodeId} at ${node.address} (log ${node.process.logFile})`);
    }
    await waitUntil(
      `Kafka at ${this.bootstrap}`,
      // The controller can list a broker whose client listener is not open yet: ask every node itself.
      async () =>
        (await kafkaBrokerCount(this.bootstrap)) === expected &&
        (await Promise.all(this.nodes.map((n) => kafkaBrokerCount(n.address)))).every((c) => c === expected),
      90_000,
      () => this.nodes.find((n) => !n.process.isRunning()) && `a node exited; see ${this.paths.logs}`,
    );
    report(`kafka     ${this.bootstrap} ready (${expected} node${expected > 1 ? 's' : ''})`);
    if (secureListenerOf) await this.saslSsl.ready(this.nodes, true, () => this.kafkaTools(report), report);
  }

  /** Java and the Kafka jars (fetched on first use), for starting brokers and running Kafka's tools. */
  private async kafkaTools(report: (line: string) => void): Promise<{ java: string; libs: string }> {
    const java = findJava(17);
    if (!java)
      throw new StackError('no Java 17 or newer found (JAVA_HOME, /usr/lib/jvm, PATH); install openjdk-17-jre');
    const libs = await ensureKafkaLibs(this.paths, () =>
      report('kafka     fetching Apache Kafka jars from Maven Central (first run only, ~54 MB)…'),
    );
    return { java: java.bin, libs };
  }

  private async clusterId(java: string, libs: string): Promise<string> {
    const file = path.join(this.paths.run, this.layout.name, 'cluster-id');
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    const id = await randomClusterId(java, libs);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, id);
    return id;
  }

  private async upRegistry(report: (line: string) => void): Promise<void> {
    if (await httpOk(this.registry.apiUrl)) {
      // Something answers; if it is ours, it must also have finished loading its schemas.
      if (this.registry.process.isRunning()) {
        await waitUntil(`schema registry at ${this.registry.url}`, () => httpOk(this.registry.readinessUrl), 120_000);
      }
      report(`registry  ${this.registry.url} already up`);
      return;
    }
    if (!this.registry.process.isRunning() && (await portOpen(this.layout.registryPort))) {
      throw new StackError(
        `port ${this.layout.registryPort} is taken by a process that is not a schema registry; stop it, or set SCHEMA_REGISTRY_URL`,
      );
    }
    if (!this.registry.process.isRunning()) {
      const modern = findJava(21);
      const java = modern ?? findJava(17);
      if (!java) throw new StackError('no Java 17 or newer found for the schema registry; install openjdk-17-jre');
      const version = modern ? APICURIO_VERSION : APICURIO_FALLBACK_VERSION;
      const dist = await ensureApicurio(this.paths, version, () =>
        report(`registry  fetching Apicurio Registry ${version} from Maven Central (first run only, ~160 MB)…`),
      );
      await this.ensureJournalTopic();
      this.registry.start(java.bin, dist, this.bootstrap);
      report(`registry  started Apicurio ${version} on Java ${java.major} (log ${this.registry.process.logFile})`);
    }
    await waitUntil(
      `schema registry at ${this.registry.url}`,
      () => httpOk(this.registry.readinessUrl),
      120_000,
      () => (this.registry.process.isRunning() ? undefined : `it exited; see ${this.registry.process.logFile}`),
    );
    report(`registry  ${this.registry.url} ready`);
  }

  private async ensureJournalTopic(): Promise<void> {
    const logger = createLogger({ component: 'stack' });
    const admin = new TopicAdmin(createKafka({ brokers: this.bootstrap.split(','), logger }), this.bootstrap);
    // Apicurio refuses to start unless its journal is kept forever: the journal is the registry.
    const keepForever = { 'retention.ms': '-1', 'retention.bytes': '-1' };
    try {
      const created = await admin.ensureTopics([
        {
          topic: REGISTRY_JOURNAL_TOPIC,
          partitions: 1,
          replicationFactor: Math.min(3, this.nodes.length),
          config: keepForever,
        },
      ]);
      if (created.length === 0) await admin.setTopicConfig(REGISTRY_JOURNAL_TOPIC, keepForever);
    } finally {
      await admin.close();
    }
  }

  private async upRedis(report: (line: string) => void): Promise<void> {
    const port = this.layout.redisPort;
    if (await redisPing(port)) {
      report(`redis     ${this.redisUrl} already up`);
      return;
    }
    if (await portOpen(port)) throw new StackError(`port ${port} is taken by a process that is not Redis`);
    this.redis.start('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    await waitUntil(
      `Redis at ${this.redisUrl}`,
      () => redisPing(port),
      15_000,
      () => (this.redis.isRunning() ? undefined : `redis-server exited; is it installed? see ${this.redis.logFile}`),
    );
    report(`redis     ${this.redisUrl} started and ready`);
  }

  private async checkPostgres(report: (line: string) => void): Promise<void> {
    if (await postgresAnswers(this.layout.postgresPort)) {
      report(`postgres  ${this.postgresAddress} already up`);
    } else {
      report(`postgres  nothing answers at ${this.postgresAddress}: ${howToStartPostgres()}`);
    }
  }

  /** Stops only what this stack started (pid files), registry first since it writes to Kafka. */
  async down(report: (line: string) => void = () => undefined): Promise<void> {
    for (const proc of [this.registry.process, ...this.nodes.map((n) => n.process), this.redis]) {
      if (await proc.stop()) report(`stopped ${proc.name}`);
    }
  }

  /** Deletes this layout's broker storage and cluster id (stopped stacks only): the next `up` formats anew. */
  reset(): void {
    if (this.nodes.some((n) => n.process.isRunning())) throw new StackError('stop the stack before resetting it');
    for (const node of this.nodes) node.reset();
    fs.rmSync(path.join(this.paths.run, this.layout.name, 'cluster-id'), { force: true });
  }

  async status(): Promise<PartStatus[]> {
    const owner = (running: boolean, up: boolean): PartStatus['owner'] =>
      running ? 'stack' : up ? 'external' : 'none';
    const kafkaUp = (await kafkaBrokerCount(this.bootstrap)) > 0;
    const kafkaRunning = this.nodes.some((n) => n.process.isRunning());
    const registryUp = await httpOk(this.registry.apiUrl);
    const redisUp = await redisPing(this.layout.redisPort);
    const postgresUp = await postgresAnswers(this.layout.postgresPort);
    const secure = this.saslSsl.bootstrap;
    const secureUp =
      secure !== undefined &&
      (await Promise.all(this.nodes.map((n) => portOpen(n.ports.saslSslPort ?? 0)))).every(Boolean);
    return [
      { part: 'kafka', address: this.bootstrap, up: kafkaUp, owner: owner(kafkaRunning, kafkaUp) },
      ...(secure === undefined
        ? []
        : [{ part: 'sasl_ssl', address: secure, up: secureUp, owner: owner(kafkaRunning, secureUp) }]),
      {
        part: 'registry',
        address: this.registry.url,
        up: registryUp,
        owner: owner(this.registry.process.isRunning(), registryUp),
      },
      { part: 'redis', address: this.redisUrl, up: redisUp, owner: owner(this.redis.isRunning(), redisUp) },
      { part: 'postgres', address: this.postgresAddress, up: postgresUp, owner: owner(false, postgresUp) },
    ];
  }

  logFiles(): string[] {
    return [...this.nodes.map((n) => n.process.logFile), this.registry.process.logFile, this.redis.logFile].filter(
      (f) => fs.existsSync(f),
    );
  }
}
