import path from 'node:path';
import { OperationFailed } from '../cli/shared/services.js';
import { ChildCommand } from './ChildCommand.js';
import type { DemoFolder } from './demoFolder.js';
import { freePort } from './freePort.js';

export interface DemoProcessesOptions {
  readonly folder: DemoFolder;
  readonly namespace: string;
  readonly smtpUrl: string;
  readonly workers: number;
}

const READY_TIMEOUT_MS = 120_000;

/**
 * The demo's child processes: `taskstream worker`s, each serving /metrics on a port of its own, and one
 * `taskstream schedule run`, all with the demo's config. Counts the ticks the scheduler fired from its log.
 */
export class DemoProcesses {
  readonly workers: { readonly command: ChildCommand; readonly url: string }[] = [];
  scheduler: ChildCommand | undefined;
  /** Tasks the scheduler enqueued, per task type, read from its `schedule fired` log lines. */
  readonly scheduled = new Map<string, number>();

  constructor(private readonly options: DemoProcessesOptions) {}

  /** Starts the workers and waits until each has joined its groups (/readyz answers 200), or `stopped()`. */
  async startWorkers(stopped: () => boolean): Promise<void> {
    const { folder, smtpUrl } = this.options;
    for (let n = 1; n <= this.options.workers; n++) {
      const port = await freePort();
      const command = new ChildCommand(`worker-${n}`, {
        args: ['--config', folder.config, 'worker', '--metrics-port', String(port), '--metrics-host', '127.0.0.1'],
        env: { SMTP_URL: smtpUrl, SMTP_FROM: 'taskstream demo <demo@taskstream.test>', TASKSTREAM_LOG_LEVEL: 'info' },
        logFile: path.join(folder.logs, `worker-${n}.log`),
      });
      this.workers.push({ command, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(this.workers.map((w) => waitReady(w.command, w.url, folder.logs, stopped)));
  }

  startScheduler(): void {
    const { folder, namespace } = this.options;
    this.scheduler = new ChildCommand('scheduler', {
      args: ['--config', folder.config, 'schedule', 'run', '--group', namespace],
      env: { TASKSTREAM_LOG_LEVEL: 'info' },
      logFile: path.join(folder.logs, 'scheduler.log'),
      onLine: (line) => {
        const fired = firedTask(line);
        if (fired !== undefined) this.scheduled.set(fired, (this.scheduled.get(fired) ?? 0) + 1);
      },
    });
  }

  async stopScheduler(): Promise<void> {
    await this.scheduler?.stop(15_000);
  }

  /** SIGTERM to every worker at once: each drains (finishes or aborts its tasks, commits, leaves its groups). */
  async stopWorkers(): Promise<(number | null)[]> {
    return Promise.all(this.workers.map((w) => w.command.stop(30_000)));
  }

  /** For an exit that did not stop them: nothing of the demo may outlive it. */
  killAll(): void {
    for (const w of this.workers) w.command.kill();
    this.scheduler?.kill();
  }
}

/** Pure: the task type of a scheduler's `schedule fired` log line (JSON), else undefined. */
export function firedTask(line: string): string | undefined {
  if (!line.includes('schedule fired')) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; task?: unknown };
    return entry.msg === 'schedule fired' && typeof entry.task === 'string' ? entry.task : undefined;
  } catch {
    return undefined;
  }
}

async function waitReady(command: ChildCommand, url: string, logs: string, stopped: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopped()) {
    if (!command.running) {
      throw new OperationFailed(
        `${command.name} exited (code ${await command.exited}) before it was ready; see ${path.join(logs, `${command.name}.log`)}`,
      );
    }
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (stopped()) return;
  throw new OperationFailed(`${command.name} was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${logs}`);
}
