import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError } from '../../pipeline/errors.js';
import { APICURIO_VERSION, KAFKA_VERSION, type StackPaths } from './StackConfig.js';

const run = promisify(execFile);

/**
 * Fetches what the stack runs from Maven Central into the cache folder, once. A folder is only
 * considered present when its `.complete` marker exists, so an interrupted download is redone.
 * The runtime bench's JVM peers (bench/jvm/JvmPeers.ts) cache their jars and classes the same way.
 */
export async function cached(dir: string, onFetch: () => void, fetch: (tmp: string) => Promise<void>): Promise<string> {
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  onFetch();
  const tmp = `${dir}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  await fetch(tmp);
  fs.writeFileSync(path.join(tmp, '.complete'), new Date().toISOString());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

/** Runs Maven quietly; a failure is a StackError carrying the end of Maven's output. */
export async function mvn(args: string[], what: string): Promise<void> {
  try {
    await run('mvn', ['-q', '-B', ...args], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { code?: string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new StackError('mvn is not installed: install Apache Maven (apt-get install maven) to fetch ' + what, err);
    }
    const tail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new StackError(`downloading ${what} from Maven Central failed (is it reachable?):\n${tail}`, err);
  }
}

/** The Kafka broker + tools jars with their runtime dependencies and an SLF4J binding (about 54 MB). */
export async function ensureKafkaLibs(paths: StackPaths, onFetch: () => void = () => undefined): Promise<string> {
  const dir = await cached(path.join(paths.cache, `kafka-${KAFKA_VERSION}`), onFetch, async (tmp) => {
    await mvn(
      [
        '-f',
        paths.pom,
        `-Dkafka.version=${KAFKA_VERSION}`,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(tmp, 'libs')}`,
      ],
      `Apache Kafka ${KAFKA_VERSION}`,
    );
  });
  return path.join(dir, 'libs');
}

export interface RegistryDist {
  readonly version: string;
  /** Arguments after `java [jvm options]`: -jar <runner>. */
  readonly jar: string;
}

/** Apicurio Registry's runnable archive (about 160 MB), unpacked. */
export async function ensureApicurio(
  paths: StackPaths,
  version = APICURIO_VERSION,
  onFetch: () => void = () => undefined,
): Promise<RegistryDist> {
  const dir = await cached(path.join(paths.cache, `apicurio-${version}`), onFetch, async (tmp) => {
    await mvn(
      [
        'dependency:copy',
        `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
        `-DoutputDirectory=${tmp}`,
      ],
      `Apicurio Registry ${version}`,
    );
    const archive = fs.readdirSync(tmp).find((f) => f.endsWith('.tar.gz'));
    if (!archive) throw new StackError(`Apicurio ${version}: Maven fetched no archive into ${tmp}`);
    await run('tar', ['xzf', archive], { cwd: tmp });
    fs.rmSync(path.join(tmp, archive));
  });
  // 3.3.x is a quarkus fast-jar; 3.0.x ships a single runner jar.
  const runner = fs.existsSync(path.join(dir, 'quarkus-run.jar'))
    ? path.join(dir, 'quarkus-run.jar')
    : fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('-runner.jar'))
        .map((f) => path.join(dir, f))[0];
  if (!runner) throw new StackError(`Apicurio ${version}: no runnable jar in ${dir}`);
  return { version, jar: runner };
}
