import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface JavaRuntime {
  readonly bin: string;
  readonly major: number;
}

/** Major version of a java binary, or undefined when it does not run. */
export function javaMajor(bin: string): number | undefined {
  // `java -version` prints to stderr.
  const res = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (res.error) return undefined;
  return parseMajor(`${res.stderr}${res.stdout}`);
}

function parseMajor(text: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

function candidates(): string[] {
  const list: string[] = [];
  if (process.env.JAVA_HOME) list.push(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  try {
    for (const dir of fs.readdirSync('/usr/lib/jvm')) list.push(path.join('/usr/lib/jvm', dir, 'bin', 'java'));
  } catch {
    /* no /usr/lib/jvm */
  }
  list.push('java');
  return list;
}

/** Every java we can find, newest first; the user's JAVA_HOME wins among equals. */
export function findJavas(): JavaRuntime[] {
  const seen = new Set<string>();
  const found: JavaRuntime[] = [];
  for (const bin of candidates()) {
    const real = bin === 'java' ? bin : safeRealpath(bin);
    if (real === undefined || seen.has(real)) continue;
    seen.add(real);
    const major = javaMajor(bin);
    if (major !== undefined) found.push({ bin, major });
  }
  return found.sort((a, b) => b.major - a.major);
}

export function findJava(minMajor: number): JavaRuntime | undefined {
  return findJavas().find((j) => j.major >= minMajor);
}

function safeRealpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}
