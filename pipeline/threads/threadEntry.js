// The first module of every pool thread (piscina loads it; ThreadPool.ts names it).
//
// Plain JavaScript, so that Node loads it however the main thread was started: by tsx (`taskstream`,
// `npm run bench`), by vitest, or as compiled code. On Node 20 the loader hooks the main thread registered do
// not reach worker threads, and a worker's `execArgv: ['--import', 'tsx']` does not load TypeScript either
// (both tried: "Unknown file extension .ts"), so a TypeScript thread file is loaded through tsx's API,
// registered here, in this thread.
//
// Errors cross the boundary as data: structured clone keeps an Error's message and stack but drops its class,
// `code` and `retriable`, which the retry policy reads. So every call answers { ok, value } or { ok, error },
// and ThreadPool.ts revives the error on the other side (threadErrors.ts).
import { workerData } from 'node:worker_threads';

const { file, exportName } = workerData;

async function load() {
  if (/\.[cm]?tsx?$/.test(file)) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const mod = await import(file);
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).join(', ') || 'nothing';
    throw new TypeError(`${file} exports no function named "${exportName}" (it exports: ${names})`);
  }
  return fn;
}

// Awaited here, so a thread reports ready only once its file is loaded. Never thrown: a thread that fails to
// load would be replaced by one that fails the same way, for ever; the probe and every call report it instead.
const loaded = await load().then(
  (fn) => ({ fn }),
  (err) => ({ error: serialize(err) }),
);

/** Asked once when the pool starts, so a file that does not load fails the worker's start, not its tasks. */
export function probe() {
  return 'error' in loaded ? { ok: false, error: loaded.error } : { ok: true, value: undefined };
}

export default async function call(input) {
  if ('error' in loaded) return { ok: false, error: loaded.error };
  try {
    return { ok: true, value: await loaded.fn(input) };
  } catch (err) {
    return { ok: false, error: serialize(err) };
  }
}

/** The SerializedError of threadErrors.ts: the class chain by name and every own field that is plain data. */
function serialize(thrown, depth = 0) {
  const isError = thrown instanceof Error;
  const classes = [];
  for (
    let p = isError ? Object.getPrototypeOf(thrown) : null;
    p && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    if (typeof p.constructor?.name === 'string') classes.push(p.constructor.name);
  }
  const props = {};
  if (typeof thrown === 'object' && thrown !== null) {
    for (const [key, value] of Object.entries(thrown)) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) props[key] = value;
    }
  }
  const cause = isError && thrown.cause !== undefined && depth < 3 ? serialize(thrown.cause, depth + 1) : undefined;
  return {
    name: isError ? thrown.name : 'NonErrorThrown',
    message: isError ? thrown.message : `non-Error thrown: ${describe(thrown)}`,
    stack: isError ? thrown.stack : undefined,
    classes,
    props,
    cause,
  };
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
