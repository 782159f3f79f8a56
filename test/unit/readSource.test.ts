// Guarantee: a source image is read from a path, a file: URL or http(s); what is missing or refused for good
// is an UnrecoverableError naming the source, and what may pass (a 5xx, 429) stays retriable.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRetriable } from '../../pipeline/errors.js';
import { ImageNotFoundError, ImageRequestError } from '../../consumers/image/imageErrors.js';
import { readSource } from '../../consumers/image/readSource.js';

const signal = new AbortController().signal;
let dir: string;
let file: string;
let server: http.Server;
let base: string;

/** Answers /<status> with that status, and /image with five bytes. */
function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/image') return void res.end(Buffer.from('bytes'));
  res.statusCode = Number(req.url?.slice(1));
  res.end('no');
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'read-source-'));
  file = path.join(dir, 'cat.jpg');
  await fs.writeFile(file, 'bytes');
  server = http.createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

const text = async (source: string, maxBytes?: number) =>
  Buffer.from(await readSource(source, signal, maxBytes)).toString();
const failure = (source: string, maxBytes?: number) => readSource(source, signal, maxBytes).catch((e: unknown) => e);

describe('readSource', () => {
  it('reads an absolute path, a file: URL and an http: URL', async () => {
    expect(await text(file)).toBe('bytes');
    expect(await text(pathToFileURL(file).href)).toBe('bytes');
    expect(await text(`${base}/image`)).toBe('bytes');
  });

  it('calls a missing file, a folder and a 404 or 410 not found, for good', async () => {
    for (const source of [path.join(dir, 'gone.jpg'), dir, `${base}/404`, `${base}/410`]) {
      const err = await failure(source);
      expect(err).toBeInstanceOf(ImageNotFoundError);
      expect((err as Error).message).toContain(`source image ${source} not found`);
      expect(isRetriable(err)).toBe(false);
    }
  });

  it('refuses for good a relative path, another scheme, another 4xx and a source above the size bound', async () => {
    expect(await failure('cat.jpg')).toBeInstanceOf(ImageRequestError);
    expect(await failure('ftp://example.com/cat.jpg')).toMatchObject({ message: expect.stringContaining('ftp:') });
    expect(await failure(`${base}/403`)).toMatchObject({
      name: 'ImageRequestError',
      message: expect.stringContaining('403'),
    });
    expect(await failure(file, 4)).toBeInstanceOf(ImageRequestError);
    expect(await failure(`${base}/image`, 4)).toBeInstanceOf(ImageRequestError);
  });

  it('leaves a 5xx, 408 and 429 retriable', async () => {
    for (const status of [500, 503, 408, 429]) {
      const err = await failure(`${base}/${status}`);
      expect(err).toMatchObject({ message: expect.stringContaining(`answered ${status}`) });
      expect(isRetriable(err)).toBe(true);
    }
  });

  it('stops at an aborted signal', async () => {
    const aborted = AbortSignal.abort(new Error('timed out'));
    await expect(readSource(file, aborted)).rejects.toThrow();
    await expect(readSource(`${base}/image`, aborted)).rejects.toThrow('timed out');
  });
});
