/**
 * Ctrl-C (SIGINT) or SIGTERM for the demo: the first asks for a graceful stop (the feed stops, the workers are
 * drained, the summary prints); a second exits at once. Whatever the way out, `onExit` callbacks run, so no
 * child process outlives the demo.
 */
export class StopSignal {
  stopped = false;
  private readonly stopCallbacks: (() => void)[] = [];
  private readonly exitCallbacks: (() => void)[] = [];
  private readonly sleepers = new Set<() => void>();
  private readonly onSignal = (): void => {
    if (this.stopped) {
      process.stderr.write('second signal: exiting now\n');
      process.exit(130);
    }
    this.stopped = true;
    process.stderr.write('\nstopping: draining the workers (Ctrl-C again exits at once)\n');
    for (const fn of this.stopCallbacks) fn();
    for (const wake of this.sleepers) wake();
  };
  private readonly onProcessExit = (): void => {
    for (const fn of this.exitCallbacks) fn();
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    process.on('exit', this.onProcessExit);
  }

  onStop(fn: () => void): void {
    this.stopCallbacks.push(fn);
  }

  onExit(fn: () => void): void {
    this.exitCallbacks.push(fn);
  }

  /** Waits `ms`, or less when a stop is asked for. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    process.off('exit', this.onProcessExit);
  }
}
