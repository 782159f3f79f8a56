import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

export interface ChildCommandOptions {
  /** `taskstream` arguments, e.g. `['--config', file, 'worker']`. */
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
  /** Each stdout line, as well. */
  readonly onLine?: (line: string) => void;
}

/** A `taskstream` command the demo runs in a process of its own, as a user would in a terminal. */
export class ChildCommand {
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    options: ChildCommandOptions,
  ) {
    const log = fs.createWriteStream(options.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [BIN, ...options.args], {
      env: { ...process.env, ...options.env },
      // Its own process group: a Ctrl-C in the terminal reaches the demo alone, which then stops each child in
      // order (workers drain, the scheduler stops) instead of every process racing to exit at once.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stderr?.pipe(log);
    if (this.child.stdout) {
      const lines = readline.createInterface({ input: this.child.stdout, crlfDelay: Infinity });
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        options.onLine?.(line);
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal === null ? null : 128);
        resolve(this.exitCode);
      });
      this.child.once('error', () => resolve(null));
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Ends it at once (SIGKILL): for when the demo itself is exiting without having stopped it. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** SIGTERM (a graceful stop: a worker drains), then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs: number): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
