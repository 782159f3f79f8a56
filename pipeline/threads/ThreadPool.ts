import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { TransferListItem } from 'node:worker_threads';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { reviveError, type ThreadAnswer } from './threadErrors.js';
import type { ThreadFunction, ThreadInput, ThreadOutput, ThreadPoolSpec } from './ThreadPoolSpec.js';

const ENTRY = fileURLToPath(new URL('./threadEntry.js', import.meta.url));

export interface ThreadRunOptions {
  /**
   * Aborting it rejects the call with the signal's reason at once. A call still waiting for a thread is
   * dropped; a running one has its thread terminated (code that computes cannot look at a signal) and a fresh
   * thread takes its place.
   */
  readonly signal?: AbortSignal;
  /** ArrayBuffers (or MessagePorts) moved to the thread instead of copied; unusable here afterwards. */
  readonly transfer?: readonly TransferListItem[];
}

/** A started pool of worker threads (piscina) running one thread file's function, one call per thread at a time. */
export class ThreadPool<F extends ThreadFunction = ThreadFunction> {
  private constructor(
    private readonly pool: Piscina<unknown, ThreadAnswer>,
    readonly spec: ThreadPoolSpec<F>,
  ) {}

  /** Starts the threads and waits until one has loaded the file: a file that does not load is a ConfigError here. */
  static async start<F extends ThreadFunction>(spec: ThreadPoolSpec<F>, log: Logger): Promise<ThreadPool<F>> {
    const path = fileURLToPath(spec.file);
    try {
      await fs.access(path);
    } catch {
      throw new ConfigError(`threads: thread file ${path} not found`);
    }
    const pool = new Piscina<unknown, ThreadAnswer>({
      filename: ENTRY,
      workerData: { file: spec.file, exportName: spec.exportName },
      // A fixed pool: a thread costs its file's load (tsx, native modules) to start, so none is let go when idle.
      minThreads: spec.size,
      maxThreads: spec.size,
      concurrentTasksPerWorker: 1,
    });
    const probe = await pool.run(undefined, { name: 'probe' });
    if (!probe.ok) {
      await pool.destroy();
      throw new ConfigError(`threads: ${path} did not load in a worker thread: ${reviveError(probe.error).message}`);
    }
    log.info({ file: path, export: spec.exportName, size: spec.size }, 'thread pool started');
    return new ThreadPool(pool, spec);
  }

  /** Runs the function on `input` in a free thread; rejects with the thread's error revived (threadErrors.ts). */
  async run(input: ThreadInput<F>, options: ThreadRunOptions = {}): Promise<ThreadOutput<F>> {
    const { signal, transfer } = options;
    let answer: ThreadAnswer;
    try {
      answer = await this.pool.run(input, {
        signal: signal ?? null,
        transferList: transfer as TransferListItem[] | undefined,
      });
    } catch (err) {
      // piscina wraps the reason in an AbortError of its own; the caller's rules (timeout, shutdown) read the reason.
      if (signal?.aborted) throw signal.reason;
      throw err;
    }
    if (answer.ok) return answer.value as ThreadOutput<F>;
    throw reviveError(answer.error);
  }

  /** Terminates the threads; calls still running or waiting reject. */
  close(): Promise<void> {
    return this.pool.destroy();
  }
}
