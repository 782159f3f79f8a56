import { execFile, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cached, ensureKafkaLibs, mvn } from '../../ops/stack/Downloads.js';
import { javaMajor } from '../../ops/stack/JavaRuntime.js';
import { KAFKA_VERSION, stackPaths, type StackPaths } from '../../ops/stack/StackConfig.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export const PARALLEL_CONSUMER_VERSION = '0.5.3.3';
/** Parallel Consumer's handlers at once: the worker's process-wide bound (Worker defaults). */
export const PARALLEL_CONSUMER_MAX_CONCURRENCY = 100;
/** kafka-tools 4.1.1 (ConsumerPerformance) is built for Java 17. */
const MIN_JAVA = 17;

/** How to start each JVM drain: `java` and its arguments, before the drain's own (see bench/jvm/*.java). */
export interface JvmPeers {
  readonly java: string;
  readonly parallelConsumer: readonly string[];
  readonly kafkaPerf: readonly string[];
}

export type JvmPeersOutcome =
  { readonly ok: true; readonly peers: JvmPeers } | { readonly ok: false; readonly reason: string };

/**
 * Fetches the peers' jars and compiles their drivers, once: both are cached under the stack's cache folder
 * (jars by version, classes by a hash of their sources, the JDK and the jars), so a second run reuses them.
 * Never throws: what is missing or failed comes back as the reason the peers are left out.
 */
export async function prepareJvmPeers(progress: (line: string) => void): Promise<JvmPeersOutcome> {
  try {
    const jdk = findJdk();
    const paths = stackPaths();
    const pcLibs = await ensureParallelConsumerLibs(paths, progress);
    const kafkaLibs = await ensureKafkaLibs(paths, () =>
      progress(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central…`),
    );
    const pcClasses = await compiled(paths, jdk, pcLibs, 'ParallelConsumerDrain', progress);
    const perfClasses = await compiled(paths, jdk, kafkaLibs, 'KafkaPerfDrain', progress);
    return {
      ok: true,
      peers: {
        java: jdk.java,
        parallelConsumer: ['-cp', `${pcClasses}${path.delimiter}${pcLibs}/*`, 'ParallelConsumerDrain'],
        kafkaPerf: ['-cp', `${perfClasses}${path.delimiter}${kafkaLibs}/*`, 'KafkaPerfDrain'],
      },
    };
  } catch (err) {
    return { ok: false, reason: oneLine(describe(err)) };
  }
}

interface Jdk {
  readonly java: string;
  readonly javac: string;
  /** What `javac -version` says, part of the compiled classes' cache key. */
  readonly version: string;
}

/** javac from JAVA_HOME or the PATH, and the java beside it. */
function findJdk(): Jdk {
  const javac = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'javac') : 'javac';
  const probe = spawnSync(javac, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error) throw new Error(`javac not found (${probe.error.message}): a JDK ${MIN_JAVA}+ is needed`);
  const bin = javac === 'javac' ? whichBinDir(javac) : path.dirname(javac);
  const java = bin === undefined ? 'java' : path.join(bin, 'java');
  const major = javaMajor(java);
  if (major === undefined) throw new Error(`java not found beside ${javac} (${java} -version failed)`);
  if (major < MIN_JAVA) throw new Error(`${java} is Java ${major}; Kafka's tools need ${MIN_JAVA}+`);
  return { java, javac, version: `${probe.stdout}${probe.stderr}`.trim() };
}

/** The real folder of a command on the PATH (through the alternatives' links), or undefined. */
function whichBinDir(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (fs.existsSync(candidate)) return path.dirname(fs.realpathSync(candidate));
  }
  return undefined;
}

/** Parallel Consumer with its runtime dependencies and slf4j-nop (bench/jvm/pom.xml), about 10 MB. */
async function ensureParallelConsumerLibs(paths: StackPaths, progress: (line: string) => void): Promise<string> {
  const name = `parallel-consumer-${PARALLEL_CONSUMER_VERSION}`;
  const dir = await cached(
    path.join(paths.cache, name),
    () => progress(`fetching Confluent Parallel Consumer ${PARALLEL_CONSUMER_VERSION} from Maven Central…`),
    async (tmp) => {
      await mvn(
        [
          '-f',
          path.join(here, 'pom.xml'),
          `-Dparallel-consumer.version=${PARALLEL_CONSUMER_VERSION}`,
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${path.join(tmp, 'libs')}`,
        ],
        `Confluent Parallel Consumer ${PARALLEL_CONSUMER_VERSION}`,
      );
    },
  );
  return path.join(dir, 'libs');
}

/** One driver (with DrainMeter.java) compiled against `libs`, cached by what it was compiled from. */
async function compiled(
  paths: StackPaths,
  jdk: Jdk,
  libs: string,
  driver: string,
  progress: (line: string) => void,
): Promise<string> {
  const sources = ['DrainMeter.java', `${driver}.java`].map((f) => path.join(here, f));
  const hash = crypto.createHash('sha256');
  for (const s of sources) hash.update(fs.readFileSync(s));
  hash.update(jdk.version);
  hash.update(fs.readdirSync(libs).sort().join('\n'));
  const dir = path.join(paths.cache, 'bench-jvm', `${driver}-${hash.digest('hex').slice(0, 12)}`);
  return cached(
    dir,
    () => progress(`compiling bench/jvm/${driver}.java…`),
    async (tmp) => {
      try {
        await run(jdk.javac, ['-d', tmp, '-cp', `${libs}/*`, ...sources], { maxBuffer: 4 * 1024 * 1024 });
      } catch (err) {
        const e = err as { stderr?: string };
        throw new Error(`javac failed on ${driver}.java:\n${(e.stderr ?? describe(err)).trim()}`);
      }
    },
  );
}

/** An error's message, with the first line of its cause's (`spawn mvn ENOENT`, say) when that adds something. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message.trim().split('\n')[0] : undefined;
  return cause && !err.message.includes(cause) ? `${err.message} (${cause})` : err.message;
}

/** Maven's advice that follows every error, which says nothing about this one. */
const MAVEN_BOILERPLATE =
  /To see the full stack trace|Re-run Maven using|For more information about the errors|\[Help \d+\] http/;

/** A multi-line reason (Maven's or javac's output) on one line: colours, blank lines and Maven's advice left out. */
function oneLine(text: string): string {
  return text
    .replace(/\u001b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex
    .split('\n')
    .map((line) => line.replace(/^\[ERROR\]\s*/, '').trim())
    .filter((line) => line !== '' && !MAVEN_BOILERPLATE.test(line))
    .join(' | ');
}
