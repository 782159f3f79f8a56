import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { readPauses } from './pausedTypes.js';

/** What a paused task type does: start nothing new (true) or continue (false). */
export type ApplyPause = (paused: boolean) => void;

/**
 * Polls the pause keys of a worker's groups (one MGET per period) and tells each group's runners when its
 * state changes. Polling rather than pub/sub: a worker that was down when the pause was set, or whose
 * subscription dropped, still reads the state on its next tick. Redis being away keeps the last state known.
 */
export class PauseWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly state = new Map<string, boolean>();
  private checking: Promise<void> | undefined;
  private warned = false;

  constructor(
    private readonly redis: () => Redis,
    /** Per worker group, what its pause does to the runners that read it. */
    private readonly groups: ReadonlyMap<string, ApplyPause>,
    private readonly log: Logger,
    private readonly everyMs = 1000,
  ) {}

  /** Reads the state once (so a restarted worker starts paused), then every period. */
  async start(firstReadTimeoutMs = 3000): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.check(),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, firstReadTimeoutMs))),
    ]);
    clearTimeout(timeout);
    this.timer ??= setInterval(() => void this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One read; a read still under way is joined rather than doubled. */
  check(): Promise<void> {
    this.checking ??= this.read().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async read(): Promise<void> {
    const groups = [...this.groups.keys()];
    let marks;
    try {
      marks = await readPauses(this.redis(), groups);
      this.warned = false;
    } catch (err) {
      if (!this.warned) this.log.warn({ err }, 'could not read task type pauses from Redis; keeping the last state');
      this.warned = true;
      return;
    }
    groups.forEach((group, i) => {
      const paused = marks[i] != null;
      if ((this.state.get(group) ?? false) === paused) return;
      this.state.set(group, paused);
      this.log.info({ group, paused }, paused ? 'task type paused: starting none of its tasks' : 'task type resumed');
      this.groups.get(group)?.(paused);
    });
  }
}
