import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup, uniqueName } from './resources.js';
import { waitFor } from './waitFor.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface ChildWorker {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  signal(sig: NodeJS.Signals): void;
}

/**
 * Starts a fixture worker (test/support/fixtures/<fixture>, default the note worker) in its own process and waits
 * until it has joined its group.
 */
export async function startChildWorker(
  env: Record<string, string>,
  fixture = 'workerProcess.ts',
): Promise<ChildWorker> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(fixtures, fixture)], {
    env: { ...process.env, TASKSTREAM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let ready = false;
  child.stdout?.on('data', (d: Buffer) => {
    if (d.toString().includes('ready')) ready = true;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  onCleanup(async () => {
    if (!gone) child.kill('SIGKILL');
    await exited;
  });
  await waitFor('child worker ready', () => ready || gone, { timeoutMs: 60_000 });
  if (!ready) throw new Error(`child worker exited before it was ready (code ${await exited})`);
  return { pid: child.pid as number, exited, signal: (sig) => child.kill(sig) };
}

export interface HandlerRecord {
  readonly event: 'start' | 'done' | 'assigned' | 'revoked' | 'deduplicated' | 'handed-off' | 'cancelled';
  readonly topic?: string;
  readonly pid: number;
  readonly at: number;
  readonly id: string;
  readonly key: string;
  readonly seq: number;
  readonly partition: number;
  readonly offset: string;
  readonly attempt: number;
  readonly partitions?: number[];
}

/** A file the child workers append their handler records to, removed after the test. */
export function recordFile(): { path: string; read(): HandlerRecord[] } {
  const file = path.join(os.tmpdir(), `${uniqueName('records')}.jsonl`);
  fs.writeFileSync(file, '');
  onCleanup(() => fs.rmSync(file, { force: true }));
  return {
    path: file,
    read: () => {
      const text = fs.readFileSync(file, 'utf8');
      // A child may be appending a line while this reads, and the read can see part of it: only lines that
      // end with their newline are whole (CI once parsed `{"event":"done","pid":12` and failed).
      return text
        .slice(0, text.lastIndexOf('\n') + 1)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as HandlerRecord);
    },
  };
}

/** The environment of a fixture worker serving `task` in a group of its own, recording to `records`. */
export function childWorkerEnv(
  task: { readonly name: string; readonly partitions: number },
  records: { readonly path: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TASK_NAME: task.name,
    TASK_PARTITIONS: String(task.partitions),
    GROUP_PREFIX: uniqueName('g'),
    RECORD_FILE: records.path,
    ...extra,
  };
}
