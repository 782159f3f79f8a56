// Guarantee: the demo's table reads the workers' Prometheus counters per task type (summing their other labels),
// counts the scheduler's fired ticks from its log, and renders one line per type.
import { describe, expect, it } from 'vitest';
import { firedTask } from '../../ops/demo/DemoProcesses.js';
import { renderLine, renderTable } from '../../ops/demo/demoTable.js';
import { addWorkerCounts, type TypeCounts } from '../../ops/demo/workerCounts.js';

const METRICS = `# HELP taskstream_tasks_completed_total Tasks done.
# TYPE taskstream_tasks_completed_total counter
taskstream_tasks_completed_total{type="send-email"} 12
taskstream_tasks_completed_total{type="resize-image"} 3
taskstream_tasks_retried_total{type="send-email",via="in_place"} 1
taskstream_tasks_retried_total{type="send-email",via="retry_topic"} 4
taskstream_tasks_dead_lettered_total{type="send-email",code="UNRECOVERABLE"} 2
taskstream_tasks_dead_lettered_total{type="send-email",code="MAIL_DEFERRED"} 1
taskstream_tasks_running{type="send-email"} 7
taskstream_task_duration_seconds_count{type="send-email"} 12
`;

describe('addWorkerCounts', () => {
  it('sums a type over the labels it does not group by, and ignores other metrics', () => {
    const counts = addWorkerCounts(METRICS, new Map());
    expect(counts.get('send-email')).toEqual({ completed: 12, retried: 5, deadLettered: 3 });
    expect(counts.get('resize-image')).toEqual({ completed: 3, retried: 0, deadLettered: 0 });
  });

  it('adds a second worker to the first', () => {
    const counts = addWorkerCounts(METRICS, addWorkerCounts(METRICS, new Map()));
    expect(counts.get('send-email')?.completed).toBe(24);
  });
});

describe('firedTask', () => {
  it("reads the task type of the scheduler's `schedule fired` line", () => {
    expect(firedTask(JSON.stringify({ level: 30, task: 'generate-report', msg: 'schedule fired' }))).toBe(
      'generate-report',
    );
  });

  it('ignores other lines, and text that is not JSON', () => {
    expect(firedTask(JSON.stringify({ msg: 'scheduler started' }))).toBeUndefined();
    expect(firedTask('schedule fired, or so it says')).toBeUndefined();
  });
});

describe('demo table', () => {
  const counts: TypeCounts = { completed: 38, retried: 3, deadLettered: 2 };
  const rows = [{ type: 'send-email', enqueued: 40, counts, rate: 4.25 }];

  it('right-aligns the numbers under their headers', () => {
    expect(renderTable(rows)).toEqual([
      'TASK TYPE   ENQUEUED  DONE  RETRIED  DEAD-LETTERED  DONE/S',
      'send-email        40    38        3              2     4.3',
    ]);
  });

  it('says the same in one line for a log', () => {
    expect(renderLine(12_400, rows)).toBe(' 12s  send-email 40 in, 38 done, 3 retried, 2 dead');
  });
});
