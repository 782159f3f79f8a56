import fs from 'node:fs';

/**
 * How to start the machine's PostgreSQL, in one line: with Debian's cluster tools the command for the version
 * installed, else the Docker service. The generate-report consumer is the only part that needs it.
 */
export function howToStartPostgres(clustersDir = '/etc/postgresql'): string {
  const versions = fs.existsSync(clustersDir) ? fs.readdirSync(clustersDir).sort() : [];
  const start =
    versions.length > 0
      ? `\`pg_ctlcluster ${versions[versions.length - 1]} main start\``
      : 'your PostgreSQL service, or `docker compose up -d postgres`';
  return `start it with ${start}, or set DATABASE_URL (only generate-report needs it)`;
}
