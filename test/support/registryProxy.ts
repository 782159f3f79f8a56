import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { stackTlsFiles } from '../../ops/stack/StackTls.js';
import { onCleanup } from './resources.js';
import { saslSsl } from './saslSsl.js';
import { services } from './services.js';

export interface RegistryProxy {
  /** https://127.0.0.1:<port>, without credentials. */
  readonly url: string;
  /** The CA that signed its certificate (the local stack's). */
  readonly caFile: string;
}

/**
 * The test run's registry behind HTTPS with the local stack's certificate and a basic-auth login, as a managed
 * registry is: a request without the right Authorization header gets 401, the others are passed on. Closed
 * after the test.
 */
export async function startRegistryProxy(login: { username: string; password: string }): Promise<RegistryProxy> {
  const { caFile } = saslSsl();
  const pem = fs.readFileSync(stackTlsFiles(path.dirname(caFile)).brokerPemFile);
  const expected = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
  const target = new URL(services().registryUrl);
  const server = https.createServer({ key: pem, cert: pem }, (req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error_code: 40101, message: 'Unauthorized' }));
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caFile };
}
