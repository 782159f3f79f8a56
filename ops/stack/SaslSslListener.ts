import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError } from '../../pipeline/errors.js';
import { toolOutputTail, type ExtraListener, type KafkaNode } from './KafkaNode.js';
import { portOpen, waitUntil } from './probes.js';
import { saslSslBootstrapOf, STACK_SASL_USER, type StackLayout, type StackPaths } from './StackConfig.js';
import { ensureStackTls, stackTlsFiles } from './StackTls.js';

const run = promisify(execFile);

const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
/** Written in a node's folder once its storage holds the SCRAM credentials (removed with the storage). */
const SCRAM_MARKER = 'scram-users';

/** How a client reaches the stack's SASL_SSL listener. */
export interface SaslSslEndpoint {
  readonly bootstrap: string;
  /** The stack's CA certificate (PEM), which signed the broker's certificate. */
  readonly caFile: string;
  readonly username: string;
  readonly password: string;
}

/**
 * The stack's second client listener: SASL_SSL with SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN, for testing
 * secured clients against the real broker. The certificates are made at the first `up` of a stack folder; the
 * SCRAM credentials go into the storage when it is formatted, or, for storage formatted before the listener
 * existed, are added once through Kafka's own ConfigCommand after the broker is up.
 */
export class SaslSslListener {
  private readonly tlsDir: string;

  constructor(
    paths: StackPaths,
    private readonly layout: StackLayout,
  ) {
    this.tlsDir = path.join(paths.run, layout.name, 'tls');
  }

  get bootstrap(): string | undefined {
    return saslSslBootstrapOf(this.layout);
  }

  /** The endpoint, once certificates exist (whether the broker serves it yet is for the caller to probe). */
  endpoint(): SaslSslEndpoint | undefined {
    const { caFile } = stackTlsFiles(this.tlsDir);
    if (this.bootstrap === undefined || !fs.existsSync(caFile)) return undefined;
    return { bootstrap: this.bootstrap, caFile, ...STACK_SASL_USER };
  }

  /** Makes the certificates if needed; undefined when the layout has no such listener or openssl is missing. */
  async prepare(report: (line: string) => void): Promise<((node: KafkaNode) => ExtraListener | undefined) | undefined> {
    if (this.bootstrap === undefined) return undefined;
    const tls = await ensureStackTls(this.tlsDir);
    if (!tls) {
      report('kafka     openssl not found: starting without the SASL_SSL listener (install openssl to get it)');
      return undefined;
    }
    const { username, password } = STACK_SASL_USER;
    const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
    return (node) =>
      node.ports.saslSslPort === undefined
        ? undefined
        : {
            name: 'SASL_SSL',
            port: node.ports.saslSslPort,
            props: {
              'sasl.enabled.mechanisms': [...SCRAM_MECHANISMS, 'PLAIN'].join(','),
              'scram-sha-256.sasl.jaas.config': scram,
              'scram-sha-512.sasl.jaas.config': scram,
              'plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${username}="${password}";`,
              'ssl.keystore.type': 'PEM',
              'ssl.keystore.location': tls.brokerPemFile,
            },
            formatArgs: SCRAM_MECHANISMS.flatMap((m) => [
              '--add-scram',
              `${m}=[name=${username},password=${password}]`,
            ]),
          };
  }

  /** Records that a node's storage was formatted with the credentials (so none are added later). */
  formattedWithUsers(node: KafkaNode): void {
    fs.writeFileSync(path.join(node.dir, SCRAM_MARKER), `${STACK_SASL_USER.username}\n`);
  }

  /**
   * After the brokers answer: waits for the listener (started now) or says how to get it (a broker started before
   * it existed), and adds the SCRAM credentials to storage formatted without them.
   */
  async ready(
    nodes: readonly KafkaNode[],
    startedNow: boolean,
    tools: () => Promise<{ java: string; libs: string }>,
    report: (line: string) => void,
  ): Promise<void> {
    const bootstrap = this.bootstrap;
    if (bootstrap === undefined) return;
    const listening = nodes.filter((n) => n.ports.saslSslPort !== undefined);
    const open = async (): Promise<boolean> =>
      (await Promise.all(listening.map((n) => portOpen(n.ports.saslSslPort as number)))).every(Boolean);
    if (startedNow) await waitUntil(`Kafka's SASL_SSL listener at ${bootstrap}`, open, 30_000);
    const endpoint = this.endpoint();
    if (!endpoint || !(await open())) {
      report(
        `kafka     no SASL_SSL listener at ${bootstrap}; if this stack started the broker before it had one, \`stack down\` then \`stack up\` adds it`,
      );
      return;
    }
    const missing = listening.filter((n) => !fs.existsSync(path.join(n.dir, SCRAM_MARKER)));
    if (missing.length > 0) {
      const { java, libs } = await tools();
      await this.addScramUsers(java, libs, nodes[0]?.address ?? '');
      for (const n of missing) this.formattedWithUsers(n);
      report(`kafka     added SCRAM user "${endpoint.username}" to storage formatted before the SASL_SSL listener`);
    }
    report(`kafka     SASL_SSL ${bootstrap} ready (CA ${endpoint.caFile}, user ${endpoint.username})`);
  }

  /**
   * Through the plaintext listener, with Kafka's kafka-configs tool from the same jars; one mechanism a run, as the
   * broker refuses two credentials of one user in one request.
   */
  private async addScramUsers(java: string, libs: string, plainAddress: string): Promise<void> {
    const { username, password } = STACK_SASL_USER;
    for (const mechanism of SCRAM_MECHANISMS) {
      const args = ['--bootstrap-server', plainAddress, '--alter', '--entity-type', 'users', '--entity-name', username];
      try {
        await run(
          java,
          [
            '-cp',
            `${libs}/*`,
            'kafka.admin.ConfigCommand',
            ...args,
            '--add-config',
            `${mechanism}=[password=${password}]`,
          ],
          {
            timeout: 60_000,
          },
        );
      } catch (err) {
        throw new StackError(`adding SCRAM user "${username}" with kafka-configs failed: ${toolOutputTail(err)}`);
      }
    }
  }
}
