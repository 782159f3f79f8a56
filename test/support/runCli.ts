import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { noteSchema } from './fixtures/taskTypes.js';
import { onCleanup, uniqueName } from './resources.js';
import { services } from './services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(root, 'ops', 'cli', 'bin.js');

export interface CliResult {
  /** The exit code (null when killed by the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit. */
  readonly ms: number;
  /** stdout parsed as JSON (throws with the output when it is not). */
  json<T = unknown>(): T;
}

export interface RunCliOptions {
  /** Written to the child's stdin, which is then closed (default: stdin closed at once). */
  readonly input?: string;
  /** Extra or overriding environment; the service addresses of this test run are set by default. */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Close the child's stdout at once, as a reader that stops early does (`| head`). */
  readonly closeStdout?: boolean;
}

/**
 * Runs the real `taskstream` command (`node ops/cli/bin.js ...`) in a child process, the way a user does,
 * against this test run's services (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL). Asynchronous, so a
 * worker running in the test process keeps heartbeating meanwhile. The CLI logs nothing unless
 * TASKSTREAM_LOG_LEVEL is passed in `env`: the test process's own level does not leak into its output.
 */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

export interface RunningCli {
  readonly pid: number;
  /** Everything the command wrote to stdout so far. */
  stdout(): string;
  /** Sends a signal: SIGTERM for a clean stop, SIGKILL for a crash. */
  signal(sig: NodeJS.Signals): void;
  /** Settles when the command exits (or is killed by the timeout). */
  readonly result: Promise<CliResult>;
}

/**
 * Starts `taskstream ...` like runCli but returns at once, for long-running commands (`schedule run`) that a
 * test stops with a signal. Killed after the test if still running.
 */
export function startCli(args: readonly string[], options: RunCliOptions = {}): RunningCli {
  const s = services();
  const env: Record<string, string | undefined> = {
    ...process.env,
    KAFKA_BROKERS: s.kafkaBrokers,
    SCHEMA_REGISTRY_URL: s.registryUrl,
    REDIS_URL: s.redisUrl,
    NO_COLOR: '1',
    ...options.env,
  };
  if (!options.env?.TASKSTREAM_LOG_LEVEL) delete env.TASKSTREAM_LOG_LEVEL;
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  if (options.closeStdout) child.stdout.destroy();
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined); // the CLI may exit before reading stdin
  child.stdin.end(options.input ?? '');
  let exited = false;
  onCleanup(() => {
    if (!exited) child.kill('SIGKILL');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      exited = true;
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        ms: Date.now() - started,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout of taskstream ${args.join(' ')} is not JSON:\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      });
    });
  });
  return { pid: child.pid as number, stdout: () => stdout, signal: (sig) => child.kill(sig), result };
}

/** Runs the CLI and parses its stdout as JSON; fails with its stderr when it does not exit 0. */
export async function runCliJson<T = unknown>(args: readonly string[], options?: RunCliOptions): Promise<T> {
  const r = await runCli(args, options);
  if (r.code !== 0) throw new Error(`taskstream ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.json<T>();
}

export interface CliConfig {
  /** The folder holding the config file (a "type": "module" package), removed after the test. */
  readonly dir: string;
  /** The config file, for `--config`. */
  readonly file: string;
  /** The task type it declares: a note task (test/support/fixtures/taskTypes.ts) with a name of its own. */
  readonly name: string;
  readonly topic: string;
}

/**
 * Writes a `taskstream.config.ts` declaring one note task type with a unique name, so no two tests share
 * topics, groups or subjects. Build the same type in the test process with `noteTask({ name, partitions })`.
 * With `schedule`, it also declares a schedule enqueueing that task type, whose note id is the tick (ISO 8601).
 * `code` is added after the task type (`note`) is declared, and `fields` inside the exported config object
 * (e.g. `handlers: [handle(note, …)],`); `moduleUrl` gives the repository's modules to import there.
 */
export function writeCliConfig(
  options: {
    partitions?: number;
    schedule?: { name: string; cron: string; timezone?: string; maxLateMs?: number };
    code?: string;
    fields?: string;
    /** The note task type accepts delayed tasks up to this long. */
    maxDelayMs?: number;
  } = {},
): CliConfig {
  const name = uniqueName('clinote');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskstream-cli-'));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sched = options.schedule;
  const schedules = sched
    ? `
  schedules: [
    defineSchedule({
      name: ${JSON.stringify(sched.name)},
      task: note,
      cron: ${JSON.stringify(sched.cron)},
      timezone: ${JSON.stringify(sched.timezone ?? 'UTC')},
      payload: (tick) => ({ id: tick.toISOString(), key: 'k', seq: 1 }),${sched.maxLateMs === undefined ? '' : `\n      maxLateMs: ${sched.maxLateMs},`}
    }),
  ],`
    : '';
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const file = path.join(dir, 'taskstream.config.ts');
  fs.writeFileSync(
    file,
    `import { defineTask } from '${moduleUrl('pipeline/task/defineTask.js')}';
import { defineSchedule } from '${moduleUrl('pipeline/schedule/defineSchedule.js')}';
import { defineConfig } from '${moduleUrl('ops/cli/config/defineConfig.js')}';

const noteSchema = ${JSON.stringify(noteSchema)} as const;
const note = defineTask({ name: '${name}', schema: noteSchema, key: (n) => n.key, partitions: ${options.partitions ?? 3}${options.maxDelayMs === undefined ? '' : `, maxDelayMs: ${options.maxDelayMs}`} });
${options.code ?? ''}
export default defineConfig({
  tasks: [note],${schedules}${options.fields ?? ''}
});
`,
  );
  return { dir, file, name, topic: `tasks.${name}` };
}

/** The file URL of a module of this repository (`pipeline/index.js`), for a config written elsewhere to import. */
export function moduleUrl(relativePath: string): string {
  return pathToFileURL(path.join(root, relativePath)).href;
}

/** What `taskstream enqueue --file … --json` prints. */
export interface EnqueueFileReport {
  readonly lines: number;
  readonly sent: number;
  readonly bad: { line: number; reason: string }[];
}

/** A note payload as JSON text. */
export function noteJson(id: string, key = 'k', seq = 1): string {
  return JSON.stringify({ id, key, seq });
}
