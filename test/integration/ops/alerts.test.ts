// Guarantee: the alert rules we ship load in Prometheus and fire on the series they are meant for, and not on
// healthy ones (ops/alerts/alerts.test.yml holds the cases; promtool evaluates them as Prometheus would).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handle, Scheduler, TaskProducer, Worker } from '../../../pipeline/index.js';
import { everySecond } from '../../support/fixtures/schedules.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { using } from '../../support/resources.js';

const dir = path.resolve(import.meta.dirname, '../../../ops/alerts');

function promtool(args: string[]): { code: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      `promtool did not run (${r.error.message}); install it with \`apt-get install prometheus\` (Debian) or from prometheus.io`,
    );
  }
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the shipped Prometheus alert rules', () => {
  it('are valid rule files', () => {
    const r = promtool(['check', 'rules', 'alerts.yml']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS: 5 rules found');
  });

  it('fire on dead letters, a growing backlog, a type with no worker, stuck workers and a vacant lease, and only then', () => {
    const r = promtool(['test', 'rules', 'alerts.test.yml']);
    expect(r.code, r.out).toBe(0);
  });

  it('name only metrics that workers, producers and schedulers export', async () => {
    const task = noteTask();
    const worker = new Worker({ handlers: [handle(task, () => undefined)] });
    const producer = await using(new TaskProducer());
    const scheduler = new Scheduler({ schedules: [everySecond(task)] });
    const exported = new Set(
      [worker.metrics, producer.metrics, scheduler.metrics].flatMap((r) => r.getMetricsAsArray().map((m) => m.name)),
    );
    const named = new Set(readFileSync(path.join(dir, 'alerts.yml'), 'utf8').match(/taskstream_[a-z_]+/g));
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((m) => !exported.has(m))).toEqual([]);
  });
});
