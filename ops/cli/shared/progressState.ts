import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * When each partition's committed offset was first seen at its current value, kept between runs of
 * `taskstream workers` in a small file in os.tmpdir() (one per broker list). Losing the file only costs
 * history: the next run starts watching afresh.
 */
export interface OffsetSighting {
  readonly offset: number;
  /** ms since epoch at which the offset was first seen at this value. */
  readonly since: number;
}

interface StateFile {
  /** group → "topic:partition" → sighting */
  groups: Record<string, { updatedAt: number; partitions: Record<string, OffsetSighting> }>;
}

/** Groups not looked at for this long are dropped from the file. */
const FORGET_AFTER_MS = 7 * 24 * 3_600_000;

export function stateFilePath(brokers: string): string {
  const id = createHash('sha1').update(brokers).digest('hex').slice(0, 12);
  return path.join(process.env.TASKSTREAM_STATE_DIR ?? os.tmpdir(), `taskstream-workers-${id}.json`);
}

export function readSightings(file: string, group: string): Map<string, OffsetSighting> {
  const state = readState(file);
  return new Map(Object.entries(state.groups[group]?.partitions ?? {}));
}

export function writeSightings(file: string, group: string, sightings: ReadonlyMap<string, OffsetSighting>): void {
  const state = readState(file);
  const now = Date.now();
  for (const [g, entry] of Object.entries(state.groups)) {
    if (now - entry.updatedAt > FORGET_AFTER_MS) delete state.groups[g];
  }
  state.groups[group] = { updatedAt: now, partitions: Object.fromEntries(sightings) };
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, file);
  } catch {
    /* history is a convenience; a read-only tmpdir only costs it */
  }
}

function readState(file: string): StateFile {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StateFile>;
    if (parsed && typeof parsed.groups === 'object' && parsed.groups !== null) return { groups: parsed.groups };
  } catch {
    /* missing or unreadable: start afresh */
  }
  return { groups: {} };
}
