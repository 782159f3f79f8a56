import fs from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { RegistryClient } from '../../../pipeline/codec/RegistryClient.js';
import { TaskCodec } from '../../../pipeline/codec/TaskCodec.js';
import { PayloadInvalidError } from '../../../pipeline/errors.js';
import { TaskProducer, type EnqueueOptions } from '../../../pipeline/producer/TaskProducer.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { findTask } from '../config/loadConfig.js';
import { UsageError } from '../UsageError.js';
import { note, printJson, say } from '../shared/output.js';
import { cliLogger, configOf, OperationFailed, probeKafka, translateErrors } from '../shared/services.js';

interface EnqueueCliOptions {
  file?: string;
  skipBad?: boolean;
  key?: string;
  id?: string;
  json?: boolean;
}

interface BadLine {
  readonly line: number;
  readonly reason: string;
}

/** Tasks in flight at once while sending a file; the producer batches them into few requests. */
const WINDOW = 1000;

export function registerEnqueueCommand(program: Command): void {
  program
    .command('enqueue')
    .description(
      'enqueue one task (JSON from the argument or stdin), or many from an NDJSON file; payloads are checked ' +
        "against the task type's Avro schema before anything is sent",
    )
    .argument('<type>', 'task type name')
    .argument('[json]', 'the payload as JSON (default: read from stdin)')
    .option('--file <path>', "NDJSON: one payload per line ('-' reads stdin); blank lines are ignored")
    .option('--skip-bad', 'with --file: send the good lines and report every bad one (exit code 1 if any)')
    .option('--key <key>', "the record key (overrides the task type's key function)")
    .option('--id <id>', 'the task id (default <topic>-<partition>-<offset>); one task only')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
A file with bad lines (not JSON, or not matching the schema) is refused as a whole: every bad line is
listed with its line number and nothing is sent. With --skip-bad the good lines are sent, every bad line
is still listed, and the exit code is 1 so a script notices.

Examples:
  taskstream enqueue send-email '{"to":"ada@example.com","subject":"hi"}'
  echo '{"to":"ada@example.com","subject":"hi"}' | taskstream enqueue send-email
  taskstream enqueue send-email --file mails.ndjson --skip-bad`,
    )
    .action(async (type: string, json: string | undefined, opts: EnqueueCliOptions, cmd: Command) => {
      if (opts.file !== undefined && json !== undefined) {
        throw new UsageError('give either a JSON payload or --file, not both');
      }
      if (opts.file !== undefined && opts.id !== undefined) {
        throw new UsageError('--id names one task; it cannot be used with --file');
      }
      if (opts.skipBad && opts.file === undefined) throw new UsageError('--skip-bad only applies to --file');
      const task = findTask(await configOf(cmd), type);
      if (opts.file !== undefined) await enqueueFile(task, opts.file, opts);
      else await enqueueOne(task, json, opts);
    });
}

async function enqueueOne(task: TaskDefinition, json: string | undefined, opts: EnqueueCliOptions): Promise<void> {
  let text = json;
  if (text === undefined) {
    if (process.stdin.isTTY) {
      throw new UsageError('no payload: give it as an argument, pipe it on stdin, or use --file');
    }
    text = await readStdin();
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    throw new OperationFailed(`the payload is not valid JSON: ${(err as Error).message}`, 'PAYLOAD_INVALID');
  }
  // Checked before connecting: a bad payload is refused (naming the field) even when Kafka is down.
  validator(task)(payload);
  const [sent] = await send(task, [payload], options(opts), undefined);
  if (!sent) return;
  if (opts.json) return printJson({ type: task.name, ...sent });
  say(
    `enqueued ${task.name} task ${sent.taskId}: topic ${sent.topic}, partition ${sent.partition}, offset ${sent.offset}`,
  );
}

async function enqueueFile(task: TaskDefinition, file: string, opts: EnqueueCliOptions): Promise<void> {
  const text = file === '-' ? await readStdin() : readFile(file);
  const validate = validator(task);
  const good: unknown[] = [];
  const bad: BadLine[] = [];
  let lines = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    lines++;
    try {
      const payload: unknown = JSON.parse(line);
      validate(payload);
      good.push(payload);
    } catch (err) {
      bad.push({ line: i + 1, reason: reasonOf(err) });
    }
  });
  for (const b of bad) note(`line ${b.line}: ${b.reason}`);
  const source = file === '-' ? 'stdin' : file;
  if (bad.length > 0 && !opts.skipBad) {
    if (opts.json) printJson({ type: task.name, topic: task.topic, lines, sent: 0, bad });
    throw new OperationFailed(
      `refused ${source}: ${bad.length} of ${lines} lines are bad (listed above); nothing was sent ` +
        `(fix them, or pass --skip-bad to send the ${good.length} good ones)`,
      'PAYLOAD_INVALID',
    );
  }
  const bar =
    process.stderr.isTTY && good.length > 0
      ? new SingleBar({ stream: process.stderr, clearOnComplete: true, hideCursor: true }, Presets.shades_classic)
      : undefined;
  bar?.start(good.length, 0);
  let sent;
  try {
    sent = await send(task, good, options(opts), () => bar?.increment());
  } finally {
    bar?.stop();
  }
  if (opts.json) {
    printJson({ type: task.name, topic: task.topic, lines, sent: sent.length, bad });
  } else {
    say(`enqueued ${sent.length} ${task.name} task${sent.length === 1 ? '' : 's'} to ${task.topic} from ${source}`);
  }
  if (bad.length > 0) {
    throw new OperationFailed(
      `skipped ${bad.length} bad line${bad.length === 1 ? '' : 's'} of ${source} (listed above)`,
      'PAYLOAD_INVALID',
    );
  }
}

/** Sends with a window of tasks in flight; on a failure, says how many went out before it. */
async function send(
  task: TaskDefinition,
  payloads: readonly unknown[],
  enqueueOptions: EnqueueOptions,
  onSent: (() => void) | undefined,
): Promise<{ taskId: string; topic: string; partition: number; offset: string }[]> {
  if (payloads.length === 0) return [];
  await probeKafka();
  const producer = new TaskProducer({ logger: cliLogger() });
  const done: { taskId: string; topic: string; partition: number; offset: string }[] = [];
  try {
    await translateErrors(async () => {
      for (let i = 0; i < payloads.length; i += WINDOW) {
        await Promise.all(
          payloads.slice(i, i + WINDOW).map(async (p) => {
            done.push(await producer.enqueue(task, p as never, enqueueOptions));
            onSent?.();
          }),
        );
      }
    }).catch((err: unknown) => {
      if (payloads.length === 1 || !(err instanceof Error)) throw err;
      throw new OperationFailed(
        `sending stopped after ${done.length} of ${payloads.length} tasks: ${err.message}`,
        'SERVICE_UNAVAILABLE',
        err,
      );
    });
  } finally {
    await producer.close().catch(() => undefined);
  }
  return done;
}

function options(opts: EnqueueCliOptions): EnqueueOptions {
  return {
    ...(opts.key === undefined ? {} : { key: opts.key }),
    ...(opts.id === undefined ? {} : { id: opts.id }),
  };
}

/** The producer's own schema check (the codec's), without a registry round trip. */
function validator(task: TaskDefinition): (payload: unknown) => void {
  const codec = new TaskCodec(task, new RegistryClient({ url: 'http://unused.invalid' }));
  return (payload) => codec.validate(payload);
}

function reasonOf(err: unknown): string {
  if (err instanceof PayloadInvalidError) {
    return err.problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; ');
  }
  if (err instanceof SyntaxError) return `not JSON: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new OperationFailed(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
