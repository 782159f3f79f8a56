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

/** A client listener beside PLAINTEXT (the stack's SASL_SSL one): its settings and what formatting needs for it. */
export interface ExtraListener {
  /** The listener's name, which is also its security protocol (SASL_SSL). */
  readonly name: string;
  readonly port: number;
  /** `listener.name.<name>.` settings, given without that prefix. */
  readonly props: Readonly<Record<string, string>>;
  /** StorageTool `format` arguments it needs, such as the SCRAM credentials to add. */
  readonly formatArgs: readonly string[];
}

/** One combined broker+controller node of a KRaft cluster, run from the Maven-fetched jars. */
export class KafkaNode {
  readonly process: ManagedProcess;
  /** The node's folder: its config, storage and the markers of what its storage holds. */
  readonly dir: string;

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

  private writeConfig(extra: ExtraListener | undefined): void {
    const n = this.layout.nodes.length;
    // Internal topics need enough replicas for the cluster size, or transactions never become available.
    const rf = Math.min(3, n);
    const minIsr = n >= 3 ? 2 : 1;
    const voters = this.layout.nodes.map((v) => `${v.nodeId}@127.0.0.1:${v.controllerPort}`).join(',');
    const client = `PLAINTEXT://127.0.0.1:${this.ports.brokerPort}`;
    const extraAt = extra ? `,${extra.name}://127.0.0.1:${extra.port}` : '';
    const props: Record<string, string | number> = {
      'process.roles': 'broker,controller',
      'node.id': this.ports.nodeId,
      'controller.quorum.voters': voters,
      listeners: `${client},CONTROLLER://127.0.0.1:${this.ports.controllerPort}${extraAt}`,
      'advertised.listeners': `${client}${extraAt}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${extra ? `,${extra.name}:${extra.name}` : ''}`,
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
    if (extra) {
      for (const [key, value] of Object.entries(extra.props))
        props[`listener.name.${extra.name.toLowerCase()}.${key}`] = value;
    }
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

  /**
   * Writes the config and formats the storage once per cluster id; a formatted folder is reused, so data survives
   * a restart. Resolves true when it formatted now (so the extra listener's format arguments were applied).
   */
  async format(java: string, libs: string, clusterId: string, extra?: ExtraListener): Promise<boolean> {
    this.writeConfig(extra);
    if (fs.existsSync(path.join(this.dir, 'data', 'meta.properties'))) return false;
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
        ...(extra?.formatArgs ?? []),
      ]);
    } catch (err) {
      throw new StackError(`formatting Kafka storage in ${this.dir} failed: ${toolOutputTail(err)}`);
    }
    return true;
  }

  start(java: string, libs: string): void {
    this.process.start(java, [...this.jvmArgs(libs), 'kafka.Kafka', this.propsFile]);
  }

  /** Wipes this node's storage (only when stopped). */
  reset(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * What a failed Kafka tool said, last lines first: not the command line, which may carry a password (the SCRAM
 * credentials given to `format`).
 */
export function toolOutputTail(err: unknown): string {
  const { stdout, stderr, code } = err as { stdout?: unknown; stderr?: unknown; code?: unknown };
  const said = `${typeof stdout === 'string' ? stdout : ''}${typeof stderr === 'string' ? stderr : ''}`.trim();
  // A Java stack trace says little to the user; its message and "Caused by" lines are the news.
  const lines = said.split('\n').filter((l) => l.trim() && !/^\s+(at |\.\.\. \d+ more)/.test(l));
  return lines.length > 0 ? lines.slice(-5).join(' | ') : `exit code ${String(code)}`;
}

/** A new cluster id, as `kafka-storage random-uuid` makes one. */
export async function randomClusterId(java: string, libs: string): Promise<string> {
  const { stdout } = await run(java, ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'random-uuid']);
  return stdout.trim().split('\n').pop() ?? '';
}
