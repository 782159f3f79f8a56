import fs from 'node:fs/promises';
import path from 'node:path';
import type { TaskDefinition } from '../../pipeline/index.js';
import { dlqTopicOf } from '../../pipeline/retry/handOffHeaders.js';
import { matches, rowOf, type DeadLetterRow } from '../cli/dlq/deadLetters.js';
import { readDeadLetters } from '../cli/dlq/readDeadLetters.js';
import type { KafkaAdmins } from '../cli/shared/services.js';
import type { DemoFolder } from './demoFolder.js';

/** What the run left behind, counted where it lies: files on disk, letters in the dead-letter topics. */
export interface DemoOutputs {
  readonly mails: number;
  readonly reports: number;
  readonly images: number;
  /** Per task type, the dead letters that failed since the demo started. */
  readonly deadLetters: ReadonlyMap<string, readonly DeadLetterRow[]>;
}

/** Files under `dir` (at any depth) whose name ends with `suffix`; in-progress files (`.partial`, `.tmp`) do not. */
export async function filesUnder(dir: string, suffix = ''): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix) && !/\.(partial|tmp)/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

export async function gatherOutputs(
  folder: DemoFolder,
  tasks: readonly TaskDefinition[],
  admins: KafkaAdmins,
  since: number,
): Promise<DemoOutputs> {
  const deadLetters = new Map<string, DeadLetterRow[]>();
  for (const task of tasks) {
    const rows = (await readDeadLetters(admins, dlqTopicOf(task.topic))).map(rowOf);
    deadLetters.set(
      task.name,
      rows.filter((r) => matches(r, { since })),
    );
  }
  return {
    mails: (await filesUnder(folder.mail, '.eml')).length,
    reports: (await filesUnder(folder.reports, '.csv.gz')).length,
    images: (await filesUnder(folder.images)).length,
    deadLetters,
  };
}
