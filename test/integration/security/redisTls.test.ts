// Guarantee: a rediss:// URL with an ACL user (redis://user:password@host) reaches a Redis that speaks TLS and knows that user; a CA the process does not trust fails in one line saying how to give it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackTlsFiles } from '../../../ops/stack/StackTls.js';
import { freePort } from '../../../ops/demo/freePort.js';
import { startPrivateRedis } from '../../support/privateRedis.js';
import { uniqueName } from '../../support/resources.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';
import { saslSsl, withoutSaslSsl } from '../../support/saslSsl.js';

/** A private Redis with a TLS port (the local stack's certificate) and an ACL user `app`; its rediss:// URL. */
async function tlsRedisWithUser(password: string): Promise<string> {
  const { caFile } = saslSsl();
  const pem = stackTlsFiles(path.dirname(caFile)).brokerPemFile;
  const tlsPort = await freePort();
  await startPrivateRedis([
    ...['--tls-port', String(tlsPort), '--tls-cert-file', pem, '--tls-key-file', pem, '--tls-auth-clients', 'no'],
    ...['--user', 'app', 'on', `>${password}`, '~*', '&*', '+@all'],
  ]);
  return `rediss://app:${password}@127.0.0.1:${tlsPort}`;
}

/** `schedule list` of a config with one schedule: a CLI command that must read Redis. */
function scheduleConfig(): string {
  return writeCliConfig({ schedule: { name: uniqueName('tick'), cron: '0 0 * * * *' } }).file;
}

// The local stack's certificates serve as the private CA, so this runs where the SASL_SSL tests run.
describe.skipIf(withoutSaslSsl())('Redis over TLS with an ACL user', () => {
  it('is reached through a rediss://user:password@ URL, the CA given to Node', async () => {
    const url = await tlsRedisWithUser('app-s3cret');

    const r = await runCli(['--config', scheduleConfig(), 'schedule', 'list'], {
      env: { REDIS_URL: url, NODE_EXTRA_CA_CERTS: saslSsl().caFile },
    });

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lease held by no instance/);
  });

  it('fails with one line saying how to trust its CA when the process does not', async () => {
    const url = await tlsRedisWithUser('app-s3cret');

    const r = await runCli(['--config', scheduleConfig(), 'schedule', 'list'], { env: { REDIS_URL: url } });

    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^taskstream: TLS with Redis at rediss:\/\/app:\*\*\*@127\.0\.0\.1:\d+ failed \(self-signed certificate in certificate chain\); its certificate is not signed by a CA this process trusts: give that CA \(for rediss:\/\/, NODE_EXTRA_CA_CERTS=<CA file> when the process starts\)$/,
    );
  });
});
