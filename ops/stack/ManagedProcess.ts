import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A long-running process that the stack started and must be able to stop from another invocation of the CLI:
 * detached, its output in a log file, its pid in a pid file. `down` stops only what a pid file names.
 */
export class ManagedProcess {
  constructor(
    readonly name: string,
    private readonly pidFile: string,
    readonly logFile: string,
  ) {}

  pid(): number | undefined {
    try {
      const pid = Number(fs.readFileSync(this.pidFile, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  isRunning(): boolean {
    const pid = this.pid();
    if (pid === undefined) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  start(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
    fs.mkdirSync(path.dirname(this.pidFile), { recursive: true });
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const out = fs.openSync(this.logFile, 'a');
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], env });
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`could not start ${this.name} (${command})`);
    child.unref();
    fs.writeFileSync(this.pidFile, `${child.pid}\n`);
    return child.pid;
  }

  /** SIGTERM, then SIGKILL after the grace period; removes the pid file. */
  async stop(graceMs = 15_000): Promise<boolean> {
    const pid = this.pid();
    if (pid === undefined || !this.isRunning()) {
      fs.rmSync(this.pidFile, { force: true });
      return false;
    }
    this.signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.isRunning() && Date.now() < deadline) await sleep(100);
    if (this.isRunning()) this.signal('SIGKILL');
    while (this.isRunning()) await sleep(50);
    fs.rmSync(this.pidFile, { force: true });
    return true;
  }

  /** For fault tests: SIGKILL, SIGSTOP, SIGCONT. */
  signal(sig: NodeJS.Signals): void {
    const pid = this.pid();
    if (pid === undefined) return;
    try {
      // The negative pid reaches the whole process group the detached child leads.
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
