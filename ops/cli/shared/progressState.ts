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

export type ProgressStatus = 'caught-up' | 'progressing' | 'waiting' | 'stuck';

export interface ProgressInput {
  readonly lag: number;
  /** The committed offset at the first sample (t0) and at the second (t1); -1 when none. */
  readonly first: number;
  readonly second: number;
  /** What an earlier run recorded for this partition, if anything. */
  readonly previousRun: OffsetSighting | undefined;
  readonly t0: number;
  readonly t1: number;
  readonly stuckAfterMs: number;
}

/**
 * A partition is STUCK when it has lag and its committed offset has not moved for `stuckAfterMs`: not
 * between the two samples of this run, and not since the earlier run that saw it at the same offset.
 */
export function judgeProgress(p: ProgressInput): {
  status: ProgressStatus;
  unchangedMs: number;
  sighting: OffsetSighting;
} {
  const movedNow = p.first !== p.second;
  const movedSinceLastRun = p.previousRun !== undefined && p.previousRun.offset !== p.second;
  const since = movedNow ? p.t1 : p.previousRun && !movedSinceLastRun ? Math.min(p.previousRun.since, p.t0) : p.t0;
  const unchangedMs = p.t1 - since;
  const status: ProgressStatus =
    p.lag === 0
      ? 'caught-up'
      : movedNow || movedSinceLastRun
        ? 'progressing'
        : unchangedMs >= p.stuckAfterMs
          ? 'stuck'
          : 'waiting';
  return { status, unchangedMs, sighting: { offset: p.second, since } };
}

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
