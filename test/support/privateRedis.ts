import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../ops/demo/freePort.js';
import { onCleanup } from './resources.js';
import { waitFor } from './waitFor.js';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL, then a fresh server on the same port: without persistence, every key is gone. */
  restartLosingData(): Promise<void>;
  /** SIGSTOP: the server keeps its data and its connections but answers nothing until `resume`. */
  pause(): void;
  resume(): void;
}

/**
 * A redis-server of the test's own on a free loopback port, with persistence off, so a test can kill it
 * without touching the shared Redis. Killed after the test. `extraArgs` are given to redis-server as they are
 * (a TLS port, ACL users).
 */
export async function startPrivateRedis(extraArgs: readonly string[] = []): Promise<PrivateRedis> {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`no redis-server at ${REDIS_SERVER} (set REDIS_SERVER_BIN)`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskstream-redis-'));
  let child = await launch(port, dir, extraArgs);
  onCleanup(async () => {
    await kill(child);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restartLosingData: async () => {
      await kill(child);
      child = await launch(port, dir, extraArgs);
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

async function launch(port: number, dir: string, extraArgs: readonly string[]): Promise<ChildProcess> {
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    ...extraArgs,
  ];
  const child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitFor(`private redis-server on port ${port} to answer PING`, async () => exited || (await pongs(port)), {
    timeoutMs: 10_000,
  });
  if (exited) throw new Error(`redis-server on port ${port} exited at start (port taken?)`);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** One PING over a raw socket: no client library, so no reconnect logic to muddle "is it up". */
function pongs(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}
