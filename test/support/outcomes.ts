import type { Worker, WorkerEvents } from '../../pipeline/index.js';

/** What a worker's tasks came to, as its events said, in order. */
export interface Outcomes {
  readonly completed: WorkerEvents['task:completed'][];
  readonly retrying: WorkerEvents['task:retrying'][];
  readonly dead: WorkerEvents['task:dead-lettered'][];
}

/** Collects a worker's outcomes; call it from startWorker's `listen`, before the worker starts. */
export function collectOutcomes(worker: Worker, into: Outcomes): void {
  worker.on('task:completed', (e) => into.completed.push(e));
  worker.on('task:retrying', (e) => into.retrying.push(e));
  worker.on('task:dead-lettered', (e) => into.dead.push(e));
}

export function noOutcomes(): Outcomes {
  return { completed: [], retrying: [], dead: [] };
}
