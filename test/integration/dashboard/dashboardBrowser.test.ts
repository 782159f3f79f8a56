// Guarantee: in a real browser, the dashboard shows the numbers the stack produced while tasks flow, fail and
// dead-letter; it opens a dead letter with its decoded payload and replays it so the task runs again; and it
// pauses a task type across its workers (another type keeps running) and resumes it; and it lists a task running
// longer than its type expects as stuck; and it counts the delayed tasks waiting for their time.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, TaskProducer, UnrecoverableError } from '../../../pipeline/index.js';
import { cellOf, launchBrowser, screenshot } from '../../support/browser.js';
import { dashboardFor } from '../../support/dashboard.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  onCleanup(() => page.close());
  // Every action asks for confirmation; the test confirms.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${url}/`);
  return page;
}

/** Waits until a cell of a type's row reads `expected`, and says what it read last when it never does. */
async function waitForCell(page: Page, type: string, field: string, expected: string): Promise<void> {
  let last = '';
  await waitFor(`${type} ${field} = ${expected}`, async () => (last = await cellOf(page, type, field)) === expected, {
    intervalMs: 250,
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}; the page last read "${last}"`);
  });
}

function failOnce(ids: Set<string>) {
  return (note: { id: string }): void => {
    if (ids.delete(note.id)) throw new UnrecoverableError(`${note.id} fails`);
  };
}

describe('dashboard in a browser', () => {
  it('shows the workers, lag, dead letters and rates of the tasks the test produced', async () => {
    const task = noteTask({ partitions: 3 });
    const groupPrefix = uniqueName('g');
    const done = new Set<string>();
    const dead = new Set<string>();
    const worker = await startWorker(
      { groupPrefix, handlers: [handle(task, failOnce(new Set(['f1', 'f2'])))] },
      (w) => {
        w.on('task:completed', (e) => done.add(e.taskId));
        w.on('task:dead-lettered', (e) => dead.add(e.taskId));
      },
    );
    const server = await dashboardFor([task], { groupPrefix });
    const page = await openPage(server.url);
    await waitForCell(page, task.name, 'processed', '0'); // the first sample, before any task

    const producer = await using(new TaskProducer());
    const notes = ['a', 'b', 'c', 'd', 'f1', 'f2'].map((id, i) => ({ id, key: `k${i}`, seq: 1 }));
    await producer.enqueueMany(task, notes);
    await waitFor('every task settled', () => done.size === 4 && dead.size === 2);

    await waitForCell(page, task.name, 'processed', '6');
    await waitForCell(page, task.name, 'deadLetters', '2');
    expect(await cellOf(page, task.name, 'lag')).toBe('0');
    expect(await cellOf(page, task.name, 'retrying')).toBe('0');
    expect(await cellOf(page, task.name, 'failed')).toBe('2');
    expect(await cellOf(page, task.name, 'failureRate')).toBe('33.3%');
    const owned = Object.values(worker.assignment()).flat().sort().join(', ');
    expect(await cellOf(page, task.name, 'workers')).toContain(`: ${owned}`);
    expect(await cellOf(page, task.name, 'state')).toBe('running (stable)');
    await screenshot(page, 'dashboard-overview');
  });

  it('shows how many delayed tasks wait for their time and the next one due', async () => {
    const task = noteTask({ partitions: 1, maxDelayMs: 3_600_000 });
    const producer = await using(new TaskProducer());
    const sent = await producer.enqueueMany(
      task,
      ['a', 'b'].map((id, seq) => ({ id, key: id, seq })),
      { delays: [{ delayMs: 15 * 60_000 }, { delayMs: 40 * 60_000 }] },
    );
    const server = await dashboardFor([task], { groupPrefix: uniqueName('g') });
    const page = await openPage(server.url);
    await waitForCell(page, task.name, 'delayed', '2');
    expect(await cellOf(page, task.name, 'nextDue')).toBe(new Date(sent[0]?.runAt ?? 0).toISOString());
  });

  it('opens a dead letter with its decoded payload, replays it, and the task runs again', async () => {
    const task = noteTask({ partitions: 2 });
    const groupPrefix = uniqueName('g');
    const ran: string[] = [];
    const dead = new Set<string>();
    const failing = new Set(['poison']);
    await startWorker(
      {
        groupPrefix,
        handlers: [
          handle(task, (note) => {
            failOnce(failing)(note);
            ran.push(note.id);
          }),
        ],
      },
      (w) => w.on('task:dead-lettered', (e) => dead.add(e.taskId)),
    );
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, [
      { id: 'fine', key: 'a', seq: 1 },
      { id: 'poison', key: 'p', seq: 7 },
    ]);
    await waitFor('the poison task dead-lettered', () => dead.size === 1 && ran.includes('fine'));
    const server = await dashboardFor([task], { groupPrefix });
    const page = await openPage(server.url);
    await waitForCell(page, task.name, 'deadLetters', '1');

    await page.click(`tr[data-type="${task.name}"] button[data-action="dead-letters"]`);
    await page.locator('tr.letter').first().click();
    const payload = JSON.parse((await page.locator('#letter-payload').textContent()) ?? '') as unknown;
    expect(payload).toEqual({ id: 'poison', key: 'p', seq: 7 });
    expect(await page.locator('#letter-headers').textContent()).toContain('poison fails');
    await screenshot(page, 'dashboard-dead-letter');

    await page.click('button[data-action="replay-one"]');
    await waitFor('the replayed task ran', () => ran.includes('poison'));
    await waitForCell(page, task.name, 'deadLetters', '0');
    expect(await page.locator('tr.letter td[data-field="replayed"]').textContent()).toBe('replayed');
  });

  it('pauses a task type, whose tasks then wait while another type keeps running, and resumes it', async () => {
    const paused = noteTask({ partitions: 2 });
    const other = noteTask({ partitions: 2 });
    const groupPrefix = uniqueName('g');
    const started: string[] = [];
    const completed: string[] = [];
    const handler = (note: { id: string }): void => void completed.push(note.id);
    const events: string[] = [];
    const worker = await startWorker(
      { groupPrefix, handlers: [handle(paused, handler), handle(other, handler)] },
      (w) => {
        w.on('task:started', (e) => started.push(e.type));
        w.on('type:paused', (e) => events.push(`paused ${e.type}`));
        w.on('type:resumed', (e) => events.push(`resumed ${e.type}`));
      },
    );
    const server = await dashboardFor([paused, other], { groupPrefix });
    const page = await openPage(server.url);

    await page.click(`tr[data-type="${paused.name}"] button[data-action="pause"]`);
    await waitFor('the worker paused the type', () => events.includes(`paused ${paused.name}`));
    await waitForCell(page, paused.name, 'state', 'paused');

    const producer = await using(new TaskProducer());
    await producer.enqueueMany(
      paused,
      [1, 2, 3].map((i) => ({ id: `p${i}`, key: `k${i}`, seq: 1 })),
    );
    await producer.enqueueMany(
      other,
      [1, 2, 3].map((i) => ({ id: `o${i}`, key: `k${i}`, seq: 1 })),
    );
    await waitFor('the other type ran', () => ['o1', 'o2', 'o3'].every((id) => completed.includes(id)));
    await waitForCell(page, paused.name, 'lag', '3');
    expect(started.filter((t) => t === paused.name)).toEqual([]);
    expect(worker.stats().byType[paused.name]?.running).toBe(0);
    await screenshot(page, 'dashboard-paused');

    await page.click(`tr[data-type="${paused.name}"] button[data-action="resume"]`);
    await waitFor('the paused type ran after resume', () => ['p1', 'p2', 'p3'].every((id) => completed.includes(id)));
    expect(events).toEqual([`paused ${paused.name}`, `resumed ${paused.name}`]);
    await waitForCell(page, paused.name, 'lag', '0');
  });

  it('lists a hanging task as stuck, with its worker, partition and offset, and counts it in the metric', async () => {
    const task = noteTask({ partitions: 1, expectedMs: 300 });
    const groupPrefix = uniqueName('g');
    const started = new Set<string>();
    const worker = await startWorker(
      {
        groupPrefix,
        handlers: [
          // Hangs until the worker closes and aborts it.
          handle(
            task,
            (_note, ctx) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve())),
          ),
        ],
      },
      (w) => w.on('task:started', (e) => started.add(e.taskId)),
    );
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, [{ id: 'hangs', key: 'k', seq: 1 }]);
    await waitFor('the task started', () => started.size === 1);
    const server = await dashboardFor([task], { groupPrefix });
    const page = await openPage(server.url);

    const row = page.locator('tr[data-stuck]');
    await row.waitFor({ timeout: 30_000 });
    const cells = await row.locator('td').allTextContents();
    const [taskId] = [...started];
    expect(cells.slice(0, 5)).toEqual([task.name, taskId, worker.id, '0', '0']);
    // The count and the page are fed by timers of their own: the count may come a moment after the row.
    const counted = `taskstream_tasks_stuck_total{type="${task.name}"} 1`;
    await waitFor('the stuck task counted', async () =>
      (await worker.metrics.getSingleMetricAsString('taskstream_tasks_stuck_total')).includes(counted),
    );
    await screenshot(page, 'dashboard-stuck');
  });
});
