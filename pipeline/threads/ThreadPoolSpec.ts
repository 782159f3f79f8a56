import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';

/**
 * A function exported by a thread file. Its input and result cross the thread boundary by structured clone
 * (plain data, typed arrays, Map, Date…; a Buffer arrives as a Uint8Array), so it takes and returns data only.
 */
export type ThreadFunction = (input: never) => unknown;
export type ThreadInput<F extends ThreadFunction> = Parameters<F>[0];
export type ThreadOutput<F extends ThreadFunction> = Awaited<ReturnType<F>>;

export interface ThreadPoolOptions {
  /**
   * Threads in the pool, each running one call at a time (default: the cores less one, at least 1, so the
   * main thread keeps a core for fetching, heartbeats and commits).
   */
  readonly size?: number;
  /** The exported function to call (default: the default export). */
  readonly export?: string;
}

/** What a worker needs to start a pool for one handler binding: made by `threadPool`, started by the Worker. */
export interface ThreadPoolSpec<F extends ThreadFunction = ThreadFunction> {
  /** The thread file as a file: URL. */
  readonly file: string;
  readonly exportName: string;
  readonly size: number;
  /** Never set: carries the function's type to the handler, so `threads.run` is typed by the thread file. */
  readonly fn?: F;
}

/**
 * Declares a pool of worker threads running `F`, the function a thread file exports. Give the file as a URL
 * relative to the caller (`new URL('./resize.ts', import.meta.url)`) or an absolute path; TypeScript files
 * load through tsx in each thread. Type it with the function: `threadPool<typeof resize>(url, { size: 2 })`
 * after `import type { resize } from './resize.js'` (a type-only import: the main thread never loads it).
 */
export function threadPool<F extends ThreadFunction>(
  file: URL | string,
  options: ThreadPoolOptions = {},
): ThreadPoolSpec<F> {
  let url: string;
  if (file instanceof URL) {
    if (file.protocol !== 'file:') throw new ConfigError(`threads: the thread file must be a file: URL, got ${file}`);
    url = file.href;
  } else if (path.isAbsolute(file)) {
    url = pathToFileURL(file).href;
  } else {
    // A relative path would depend on the directory the worker happens to be started from.
    throw new ConfigError(
      `threads: give the thread file as new URL('${file}', import.meta.url) or an absolute path, not "${file}"`,
    );
  }
  const size = options.size ?? Math.max(1, os.availableParallelism() - 1);
  if (!Number.isInteger(size) || size < 1)
    throw new ConfigError(`threads: size must be a positive integer, got ${size}`);
  const exportName = options.export ?? 'default';
  if (exportName === '') throw new ConfigError('threads: export must name an exported function');
  return { file: url, exportName, size };
}
