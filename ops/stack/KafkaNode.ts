import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError } from '../../pipeline/errors.js';
import { ManagedProcess } from './ManagedProcess.js';
import type { KafkaNodePorts, StackLayout, StackPaths } from './StackConfig.js';

const run = promisify(execFile);

const LOG4J2 = `status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;

/** One combined broker+controller node of a KRaft cluster, run from the Maven-fetched jars. */
export class KafkaNode {
  readonly process: ManagedProcess;
  private readonly dir: string;

  constructor(
    private readonly paths: StackPaths,
    private readonly layout: StackLayout,
    readonly ports: KafkaNodePorts,
  ) {
    this.dir = path.join(paths.run, layout.name, `kafka-${ports.nodeId}`);
    this.process = new ManagedProcess(
      `kafka-${ports.nodeId}`,
      path.join(this.dir, 'pid'),
      path.join(paths.logs, `${layout.name}-kafka-${ports.nodeId}.log`),
    );
  }

  get address(): string {
    return `127.0.0.1:${this.ports.brokerPort}`;
  }

  private get propsFile(): string {
    return path.join(this.dir, 'server.properties');
  }

  private writeConfig(): void {
    const n = this.layout.nodes.length;
    // Internal topics need enough replicas for the cluster size, or transactions never become available.
    const rf = Math.min(3, n);
    const minIsr = n >= 3 ? 2 : 1;
    const voters = this.layout.nodes.map((v) => `${v.nodeId}@127.0.0.1:${v.controllerPort}`).join(',');
    const props: Record<string, string | number> = {
      'process.roles': 'broker,controller',
      'node.id': this.ports.nodeId,
      'controller.quorum.voters': voters,
      listeners: `PLAINTEXT://127.0.0.1:${this.ports.brokerPort},CONTROLLER://127.0.0.1:${this.ports.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${this.ports.brokerPort}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'log.dirs': path.join(this.dir, 'data'),
      // Our topics always say how many partitions they want; a silent auto-create would hide a bug.
      'num.partitions': 1,
      'auto.create.topics.enable': 'false',
      'default.replication.factor': rf,
      'min.insync.replicas': minIsr,
      'offsets.topic.replication.factor': rf,
      'offsets.topic.num.partitions': 10,
      'transaction.state.log.replication.factor': rf,
      'transaction.state.log.min.isr': minIsr,
      'transaction.state.log.num.partitions': 10,
      // Tests and demos form groups constantly; the 3 s default delay only slows them.
      'group.initial.rebalance.delay.ms': 0,
      'log.retention.hours': 24,
      'log.segment.bytes': 64 * 1024 * 1024,
    };
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(
      this.propsFile,
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    fs.writeFileSync(path.join(this.dir, 'log4j2.properties'), LOG4J2);
  }

  private jvmArgs(libs: string): string[] {
    return [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${path.join(this.dir, 'log4j2.properties')}`,
      '-cp',
      `${libs}/*`,
    ];
  }

  /** Formats the storage once per cluster id; a formatted folder is reused, so data survives a restart. */
  async format(java: string, libs: string, clusterId: string): Promise<void> {
    this.writeConfig();
    if (fs.existsSync(path.join(this.dir, 'data', 'meta.properties'))) return;
    try {
      await run(java, [
        ...this.jvmArgs(libs),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        this.propsFile,
        '--ignore-formatted',
      ]);
    } catch (err) {
      throw new StackError(`formatting Kafka storage in ${this.dir} failed: ${(err as Error).message}`, err);
    }
  }

  start(java: string, libs: string): void {
    this.process.start(java, [...this.jvmArgs(libs), 'kafka.Kafka', this.propsFile]);
  }

  /** Wipes this node's storage (only when stopped). */
  reset(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A new cluster id, as `kafka-storage random-uuid` makes one. */
export async function randomClusterId(java: string, libs: string): Promise<string> {
  const { stdout } = await run(java, ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'random-uuid']);
  return stdout.trim().split('\n').pop() ?? '';
}
