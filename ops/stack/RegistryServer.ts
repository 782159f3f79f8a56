import path from 'node:path';
import { ManagedProcess } from './ManagedProcess.js';
import type { RegistryDist } from './Downloads.js';
import type { StackLayout, StackPaths } from './StackConfig.js';

/** Apicurio's journal topic; one partition, because the journal's order is the registry's state. */
export const REGISTRY_JOURNAL_TOPIC = 'kafkasql-journal';

/**
 * Apicurio Registry serving the Confluent-compatible API at /apis/ccompat/v7, storing its state in Kafka
 * (kafkasql) so that schema ids survive a restart and are never handed out twice.
 */
export class RegistryServer {
  readonly process: ManagedProcess;

  constructor(
    paths: StackPaths,
    private readonly layout: StackLayout,
  ) {
    this.process = new ManagedProcess(
      'registry',
      path.join(paths.run, layout.name, 'registry.pid'),
      path.join(paths.logs, `${layout.name}-registry.log`),
    );
  }

  get url(): string {
    return `http://127.0.0.1:${this.layout.registryPort}`;
  }

  /** The API answers while the kafkasql journal is still being replayed; only this says the schemas are loaded. */
  get readinessUrl(): string {
    return `http://127.0.0.1:${this.layout.registryManagementPort}/health/ready`;
  }

  /** Answers for any Confluent-compatible registry, ours or not. */
  get apiUrl(): string {
    return `${this.url}/apis/ccompat/v7/subjects`;
  }

  start(java: string, dist: RegistryDist, bootstrap: string): void {
    this.process.start(java, [
      '-Xms128m',
      '-Xmx512m',
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.http.port=${this.layout.registryPort}`,
      // Left alone it binds 0.0.0.0:9000.
      '-Dquarkus.management.host=127.0.0.1',
      `-Dquarkus.management.port=${this.layout.registryManagementPort}`,
      '-Dapicurio.storage.kind=kafkasql',
      `-Dapicurio.kafkasql.bootstrap.servers=${bootstrap}`,
      `-Dapicurio.kafkasql.topic=${REGISTRY_JOURNAL_TOPIC}`,
      '-jar',
      dist.jar,
    ]);
  }
}
