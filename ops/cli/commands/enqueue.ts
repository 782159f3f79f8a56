import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { RegistryClient } from '../../../pipeline/codec/RegistryClient.js';
import { TaskCodec } from '../../../pipeline/codec/TaskCodec.js';
import { PayloadInvalidError } from '../../../pipeline/errors.js';
import { TaskProducer, type EnqueueOptions } from '../../../pipeline/producer/TaskProducer.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import type { DelayOptions } from '../../../pipeline/delay/taskTime.js';
import { findTask } from '../config/loadConfig.js';
import { UsageError } from '../UsageError.js';
import { ndjsonLines } from '../shared/ndjsonLines.js';
import { checkTaskLine, readTaskLine, type TaskLine } from '../shared/taskLine.js';
import { parseIsoDateTime } from '../isoTime.js';
import { duration, note, printJson, say } from '../shared/output.js';
import {
  cliLogger,
  configOf,
  connectionOptions,
  OperationFailed,
  probeKafka,
  translateErrors,
  type Connections,
} from '../shared/services.js';

interface EnqueueCliOptions {
  file?: string;
  skipBad?: boolean;
  key?: string;
  id?: string;
  json?: boolean;
  delay?: number;
  at?: string;
  envelopes?: boolean;
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
    .option('--delay <duration>', 'start no earlier than this long from now (e.g. 90s, 10m, 2h, 7d)', duration)
    .option('--at <time>', 'start no earlier than this ISO 8601 time (e.g. 2026-01-31T09:30:00Z)')
    .option(
      '--envelopes',
      'with --file: every line is {"payload": {...}} with its own "delay": "10m" or "at": "<ISO time>" if it wants one',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
A file with bad lines (not JSON, or not matching the schema) is refused as a whole: every bad line is
listed with its line number and nothing is sent. With --skip-bad the good lines are sent, every bad line
is still listed, and the exit code is 1 so a script notices. A file is read twice, checked and then sent,
and never held in memory whatever its size; from stdin the good payloads are held until they are sent.

Examples:
  taskstream enqueue send-email '{"to":"ada@example.com","subject":"hi"}'
  echo '{"to":"ada@example.com","subject":"hi"}' | taskstream enqueue send-email
  taskstream enqueue send-email --file mails.ndjson --skip-bad
  taskstream enqueue send-email --delay 10m '{"to":"ada@example.com","subject":"hi"}'
  taskstream enqueue remind --file reminders.ndjson --envelopes --delay 1h

--delay and --at apply to every task sent (each line of a file, too); the task type must declare maxDelayMs.

Per-line delays: with --envelopes, every line of the file is an envelope instead of a bare payload:
  {"payload": {"user":"ada"}}                                  no delay of its own (--delay/--at, else now)
  {"payload": {"user":"bob"}, "delay": "10m"}                  as --delay takes it: 90s, 10m, 2h, 7d
  {"payload": {"user":"eve"}, "at": "2026-01-31T09:30:00Z"}    as --at takes it
A line's own delay or at wins over --delay/--at, which apply to the lines without one (as a BullMQ job's own
delay wins over the queue's default). Any other key, both delay and at, a delay that does not parse or is
longer than the task type accepts make the line bad, like a payload the schema rejects. Without --envelopes a
line is always the payload itself: envelopes are a mode of the file, never guessed from a line's shape, since
the schema check ignores undeclared keys and fills defaults, so {"payload":…,"delay":…} can be a valid
payload of some task type.`,
    )
    .action(async (type: string, json: string | undefined, opts: EnqueueCliOptions, cmd: Command) => {
      if (opts.file !== undefined && json !== undefined) {
        throw new UsageError('give either a JSON payload or --file, not both');
      }
      if (opts.file !== undefined && opts.id !== undefined) {
        throw new UsageError('--id names one task; it cannot be used with --file');
      }
      if (opts.skipBad && opts.file === undefined) throw new UsageError('--skip-bad only applies to --file');
      if (opts.envelopes && opts.file === undefined) throw new UsageError('--envelopes only applies to --file');
      if (opts.delay !== undefined && opts.at !== undefined)
        throw new UsageError('give either --delay or --at, not both');
      const config = await configOf(cmd);
      const task = findTask(config, type);
      if (opts.file !== undefined) await enqueueFile(config, task, opts.file, opts);
      else await enqueueOne(config, task, json, opts);
    });
}

async function enqueueOne(
  config: Connections,
  task: TaskDefinition,
  json: string | undefined,
  opts: EnqueueCliOptions,
): Promise<void> {
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
  let sent: Sent | undefined;
  await send(config, task, [{ payload, enveloped: false }], 1, options(opts), (s) => (sent = s));
  if (sent === undefined) return;
  if (opts.json) return printJson({ type: task.name, ...sent });
  const due = sent.runAt === undefined ? '' : `, due ${new Date(sent.runAt).toISOString()}`;
  say(
    `enqueued ${task.name} task ${sent.taskId}: topic ${sent.topic}, partition ${sent.partition}, offset ${sent.offset}${due}`,
  );
}

/**
 * Checks every line, then sends the good ones. A file is read twice (checked, then sent) so that it is never
 * held in memory; stdin cannot be read twice, so its good payloads are kept from the check to the send.
 */
async function enqueueFile(
  config: Connections,
  task: TaskDefinition,
  file: string,
  opts: EnqueueCliOptions,
): Promise<void> {
  const validate = validator(task);
  const envelopes = opts.envelopes === true;
  const kept: TaskLine[] | undefined = file === '-' ? [] : undefined;
  const bad: BadLine[] = [];
  let lines = 0;
  for await (const { line, text } of ndjsonLines(file)) {
    lines++;
    try {
      const read = readTaskLine(text, envelopes);
      checkTaskLine(read, task, validate, Date.now());
      kept?.push(read);
    } catch (err) {
      bad.push({ line, reason: reasonOf(err) });
    }
  }
  for (const b of bad) note(`line ${b.line}: ${b.reason}`);
  const source = file === '-' ? 'stdin' : file;
  const good = lines - bad.length;
  if (bad.length > 0 && !opts.skipBad) {
    if (opts.json) printJson({ type: task.name, topic: task.topic, lines, sent: 0, bad });
    throw new OperationFailed(
      `refused ${source}: ${bad.length} of ${lines} lines are bad (listed above); nothing was sent ` +
        `(fix them, or pass --skip-bad to send the ${good} good ones)`,
      'PAYLOAD_INVALID',
    );
  }
  const bar =
    process.stderr.isTTY && good > 0
      ? new SingleBar({ stream: process.stderr, clearOnComplete: true, hideCursor: true }, Presets.shades_classic)
      : undefined;
  bar?.start(good, 0);
  let sent;
  try {
    const taskLines = kept ?? goodLines(file, envelopes, new Set(bad.map((b) => b.line)));
    sent = await send(config, task, taskLines, good, options(opts), () => bar?.increment());
  } finally {
    bar?.stop();
  }
  if (opts.json) {
    printJson({ type: task.name, topic: task.topic, lines, sent, bad });
  } else {
    say(`enqueued ${sent} ${task.name} task${sent === 1 ? '' : 's'} to ${task.topic} from ${source}`);
  }
  if (bad.length > 0) {
    throw new OperationFailed(
      `skipped ${bad.length} bad line${bad.length === 1 ? '' : 's'} of ${source} (listed above)`,
      'PAYLOAD_INVALID',
    );
  }
}

/** The file's lines again, on the second reading, without those the check found bad. */
async function* goodLines(file: string, envelopes: boolean, badLines: ReadonlySet<number>): AsyncGenerator<TaskLine> {
  for await (const { line, text } of ndjsonLines(file)) if (!badLines.has(line)) yield readTaskLine(text, envelopes);
}

type Sent = Awaited<ReturnType<TaskProducer['enqueue']>>;

/**
 * Sends `total` tasks with up to WINDOW in flight, and returns how many were sent; on a failure, says how
 * many went out before it. A line's own delay replaces the command's.
 */
async function send(
  config: Connections,
  task: TaskDefinition,
  taskLines: Iterable<TaskLine> | AsyncIterable<TaskLine>,
  total: number,
  enqueueOptions: { base: EnqueueOptions; delay: DelayOptions },
  onSent: (sent: Sent) => void,
): Promise<number> {
  if (total === 0) return 0;
  await probeKafka(config);
  const producer = new TaskProducer({ ...connectionOptions(config), logger: cliLogger() });
  let count = 0;
  try {
    await translateErrors(async () => {
      let failure: unknown;
      let window: Promise<void>[] = [];
      const settle = async (): Promise<void> => {
        await Promise.all(window);
        window = [];
        if (failure !== undefined) throw failure;
      };
      for await (const { payload, delay } of taskLines) {
        const lineOptions = { ...enqueueOptions.base, ...(delay ?? enqueueOptions.delay) };
        // Each send's failure is caught at once (not left unhandled while the file is read) and thrown here.
        window.push(
          producer.enqueue(task, payload as never, lineOptions).then(
            (sent) => {
              count++;
              onSent(sent);
            },
            (err: unknown) => {
              failure ??= err;
            },
          ),
        );
        if (window.length >= WINDOW) await settle();
      }
      await settle();
    }).catch((err: unknown) => {
      if (total === 1 || !(err instanceof Error)) throw err;
      throw new OperationFailed(
        `sending stopped after ${count} of ${total} tasks: ${err.message}`,
        'SERVICE_UNAVAILABLE',
        err,
      );
    });
  } finally {
    await producer.close().catch(() => undefined);
  }
  return count;
}

/** The command's options for every task sent: `delay` is --delay or --at, which a line's own delay replaces. */
function options(opts: EnqueueCliOptions): { base: EnqueueOptions; delay: DelayOptions } {
  return {
    base: {
      ...(opts.key === undefined ? {} : { key: opts.key }),
      ...(opts.id === undefined ? {} : { id: opts.id }),
    },
    delay: {
      ...(opts.delay === undefined ? {} : { delayMs: opts.delay }),
      ...(opts.at === undefined ? {} : { runAt: new Date(parseIsoDateTime('--at', opts.at)) }),
    },
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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
