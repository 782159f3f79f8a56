import { renderLine, renderTable, type DemoRow } from './demoTable.js';

const LINE_EVERY_MS = 5_000;

/**
 * Shows the rows as they change: on a terminal, a table redrawn in place (the cursor moved back over the last
 * drawing); elsewhere (CI, a pipe) a line every 5 s, since cursor codes would only clutter a log.
 */
export class LiveView {
  private drawn = 0;
  private lastLine = -Infinity;
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  show(rows: readonly DemoRow[], status: string): void {
    if (this.out.isTTY) {
      const lines = [...renderTable(rows), status];
      // Up over the previous drawing, then clear to the end of the screen.
      const back = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : '';
      this.out.write(`${back}${lines.join('\n')}\n`);
      this.drawn = lines.length;
      return;
    }
    const now = Date.now();
    if (now - this.lastLine < LINE_EVERY_MS) return;
    this.lastLine = now;
    this.out.write(`${renderLine(now - this.started, rows)}\n`);
  }

  /** Leaves the last drawing where it is: what follows prints below it. */
  end(): void {
    this.drawn = 0;
  }
}
