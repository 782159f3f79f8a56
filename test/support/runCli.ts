import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './resources.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(repoRoot, 'ops', 'cli', 'bin.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `taskstream` CLI in a child process, the way a user does, against this test run's services
 * (KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL are inherited from the test process).
 */
export async function runCli(
  args: readonly string[],
  { env = {}, cwd = repoRoot, timeoutMs = 90_000 }: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  onCleanup(() => {
    if (!exited) child.kill('SIGKILL');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  exited = true;
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Runs the CLI and parses its stdout as JSON; fails with its stderr when it does not exit 0. */
export async function runCliJson<T = unknown>(args: readonly string[], options?: { env?: Record<string, string> }): Promise<T> {
  const r = await runCli(args, options);
  if (r.code !== 0) throw new Error(`taskstream ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout) as T;
}
