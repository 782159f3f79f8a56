import http from 'node:http';
import https from 'node:https';
import type { RegistryEndpoint } from './RegistryEndpoint.js';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * One request to the registry with its credentials and CA (node:http rather than fetch, whose TLS settings
 * cannot be given per request in Node 20). Resolves with any HTTP answer; rejects only when none came.
 */
export function registryRequest(
  endpoint: RegistryEndpoint,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: { body?: string; timeoutMs: number },
): Promise<HttpAnswer> {
  const url = new URL(`${endpoint.url}${path}`);
  const client = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/vnd.schemaregistry.v1+json',
  };
  if (endpoint.authorization) headers.authorization = endpoint.authorization;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method,
        headers,
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(endpoint.agent ? { agent: endpoint.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
