import { spawn } from 'node:child_process';

/** How long a child may take to exit after printing its result before it is killed. */
const EXIT_GRACE_MS = 15_000;

/**
 * Runs a bench script in a fresh Node process and parses the JSON line it prints last, once it exits (a profiled
 * child writes its profile on exit). A child that fails to exit after printing its result (a handle left
 * open: a worker with a shared rate limit did, until its limiter closed its Redis connections) is killed after a
 * grace period and its result taken, so one leak cannot hang a whole bench.
 * `onLine` sees every line the child prints as it comes (a child saying it is ready, for one).
 */
export function childRun<T>(
  script: string,
  args: string[],
  nodeArgs: string[] = [],
  onLine?: (line: string) => void,
): Promise<T> {
  return processRun<T>(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], script, onLine);
}

/** childRun for any command (a JVM drain, say); `name` stands for it in messages. */
export function processRun<T>(
  command: string,
  args: readonly string[],
  name: string,
  onLine?: (line: string) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    let partial = ''; // the line still being printed, for onLine
    let result: T | undefined;
    let killer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      out += text;
      if (onLine) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      }
      if (result !== undefined || !out.endsWith('\n')) return;
      result = lastJson<T>(out);
      if (result === undefined) return;
      killer = setTimeout(() => {
        process.stderr.write(`${name} printed its result but did not exit in ${EXIT_GRACE_MS / 1000} s; killed\n`);
        child.kill('SIGKILL');
      }, EXIT_GRACE_MS);
    });
    child.on('error', reject); // could not start (no such command)
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (result !== undefined) return resolve(result);
      if (code !== 0) return reject(new Error(`${name} exited with ${code}: ${out}`));
      result = lastJson<T>(out);
      if (result === undefined) reject(new Error(`${name} printed no JSON result: ${out}`));
      else resolve(result);
    });
  });
}

function lastJson<T>(out: string): T | undefined {
  const last = out.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) return undefined;
  try {
    return JSON.parse(last) as T;
  } catch {
    return undefined;
  }
}
