import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageNotFoundError, ImageRequestError } from './imageErrors.js';

/** The largest source read (default 50 MiB): a bigger one is refused rather than held in memory. */
export const MAX_SOURCE_BYTES = 50 * 1024 * 1024;

/** No such file: nothing a retry can change. */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * The bytes of the image at `imageUrl`: an absolute path, a file: URL, or an http(s): URL. What is missing
 * or refused for good throws an UnrecoverableError (imageErrors.ts); anything else (a disk error, a refused
 * connection, a 5xx, 408 or 429) is left as it is, so the task is retried.
 */
export async function readSource(
  imageUrl: string,
  signal: AbortSignal,
  maxBytes = MAX_SOURCE_BYTES,
): Promise<Uint8Array> {
  if (path.isAbsolute(imageUrl)) return readFile(imageUrl, imageUrl, signal, maxBytes);
  let url: URL;
  try {
    url = new URL(imageUrl);
  } catch {
    throw new ImageRequestError(`imageUrl "${imageUrl}" is neither an absolute path nor a URL`);
  }
  if (url.protocol === 'file:') return readFile(imageUrl, fileURLToPath(url), signal, maxBytes);
  if (url.protocol === 'http:' || url.protocol === 'https:') return download(imageUrl, url, signal, maxBytes);
  throw new ImageRequestError(
    `imageUrl "${imageUrl}": ${url.protocol} is not supported (a path, file:, http: or https:)`,
  );
}

async function readFile(source: string, file: string, signal: AbortSignal, maxBytes: number): Promise<Uint8Array> {
  try {
    const { size } = await fs.stat(file);
    if (size > maxBytes) throw tooLarge(source, size, maxBytes);
    return await fs.readFile(file, { signal });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && MISSING.has(code)) throw new ImageNotFoundError(source, code, err);
    throw err;
  }
}

async function download(source: string, url: URL, signal: AbortSignal, maxBytes: number): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  const answer = `GET answered ${response.status} ${response.statusText}`.trim();
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    throw new ImageNotFoundError(source, answer);
  }
  if (!response.ok) {
    await response.body?.cancel();
    // 408 and 429 say "later"; so does a 5xx. Any other refusal will be given again.
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new Error(`source image ${source}: ${answer}`);
    }
    throw new ImageRequestError(`source image ${source} refused: ${answer}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(source, declared, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(source, size, maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(source: string, bytes: number, maxBytes: number): ImageRequestError {
  return new ImageRequestError(`source image ${source} is ${bytes} bytes or more, above the ${maxBytes} read at most`);
}
