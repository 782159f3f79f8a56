import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of a V8 CPU profile (`node --cpu-prof`) that this summary reads. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export const CATEGORIES = [
  'Kafka client (kafkajs)',
  'taskstream runtime',
  'Avro decoding (avsc)',
  'Redis client (ioredis)',
  'garbage collection',
  'idle (waiting for Kafka or Redis)',
  'start-up and shutdown',
  'other (Node internals, bench)',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Milliseconds of the main thread's samples per category. */
export type ProfileSummary = Record<Category, number>;

/**
 * Where a process's main thread spent its time, by who owns the code: each sample goes to the innermost frame
 * that belongs to a library or to taskstream (Node's own frames, such as Buffer methods or the microtask
 * queue, count for whoever called them). A sample anywhere under module loading counts as start-up.
 */
export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, Category>();
  const summary = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as ProfileSummary;
  profile.samples.forEach((id, i) => {
    let category = categoryOf.get(id);
    if (category === undefined) {
      category = classify(id, byId, parent);
      categoryOf.set(id, category);
    }
    summary[category] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return summary;
}

function classify(leaf: number, byId: Map<number, CpuProfile['nodes'][number]>, parent: Map<number, number>): Category {
  const name = byId.get(leaf)?.callFrame.functionName;
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(idle)') return 'idle (waiting for Kafka or Redis)';
  let owner: Category | undefined;
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
    const url = byId.get(id)?.callFrame.url ?? '';
    if (/node:internal\/modules|\/tsx\/|esbuild/.test(url)) return 'start-up and shutdown';
    owner ??= ownerOf(url);
  }
  return owner ?? 'other (Node internals, bench)';
}

function ownerOf(url: string): Category | undefined {
  if (url.includes('/node_modules/kafkajs/') || url.includes('/node_modules/long/')) return 'Kafka client (kafkajs)';
  if (url.includes('/node_modules/avsc/')) return 'Avro decoding (avsc)';
  if (/\/node_modules\/(ioredis|redis-parser|redis-errors|@ioredis)\//.test(url)) return 'Redis client (ioredis)';
  if (url.includes('/pipeline/')) return 'taskstream runtime';
  return undefined;
}

/** Reads the main thread's profile (thread id 0 in Node's file name) that a process wrote into `dir`. */
export function readMainThreadProfile(dir: string): CpuProfile {
  const file = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (file === undefined) throw new Error(`no main-thread CPU profile in ${dir}`);
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
}
