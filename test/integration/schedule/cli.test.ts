// Guarantee: `taskstream schedule list` shows what will fire and what fired, and `schedule run` fires until a signal stops it cleanly.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { defineSchedule, leaseHolder, Scheduler } from '../../../pipeline/schedule/index.js';
import { HEADER } from '../../../pipeline/task/headers.js';
import type { ScheduleListing } from '../../../ops/cli/shared/scheduleListing.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readAll, startReadingTask } from '../../support/readTopic.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { runCli, runCliJson, startCli, writeCliConfig } from '../../support/runCli.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';

const DAY_MS = 24 * 3_600_000;

function listJson(configFile: string, group: string): Promise<ScheduleListing> {
  return runCliJson<ScheduleListing>(['--config', configFile, 'schedule', 'list', '--group', group, '--json']);
}

describe('taskstream schedule', () => {
  it('list --json shows the next three fire times, read in the schedule timezone', async () => {
    const name = uniqueName('daily');
    // 09:00 in Tokyo (UTC+9, no daylight saving) is midnight UTC.
    const cfg = writeCliConfig({ schedule: { name, cron: '0 9 * * *', timezone: 'Asia/Tokyo' } });
    const before = Date.now();
    const listing = await listJson(cfg.file, uniqueName('g'));
    const after = Date.now();

    // The next UTC midnight as of when the CLI looked (a run that spans midnight may see either).
    const midnights = [before, after].map((t) => Math.floor(t / DAY_MS) * DAY_MS + DAY_MS);
    const firstMidnight = Date.parse(listing.schedules[0]?.next[0] ?? '');
    expect(midnights).toContain(firstMidnight);
    expect(listing.schedules).toEqual([
      {
        name,
        cron: '0 9 * * *',
        timezone: 'Asia/Tokyo',
        task: cfg.name,
        next: [0, 1, 2].map((i) => new Date(firstMidnight + i * DAY_MS).toISOString()),
        lastFired: null,
        maxLateMs: null,
      },
    ]);
    expect(listing.leaseHolder).toBeNull();
  });

  it('list shows how late a missed tick may still fire, in JSON and in the table', async () => {
    const name = uniqueName('morning');
    const cfg = writeCliConfig({ schedule: { name, cron: '0 6 * * *', maxLateMs: 6 * 3_600_000 } });
    const group = uniqueName('g');
    const listing = await listJson(cfg.file, group);
    expect(listing.schedules.map((s) => s.maxLateMs)).toEqual([21_600_000]);
    const table = await runCli(['--config', cfg.file, 'schedule', 'list', '--group', group]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/SKIP IF LATER THAN/);
    expect(table.stdout.split('\n').find((l) => l.startsWith(name))).toMatch(/ 6h\s*$/);
  });

  it('list --json shows the last fired tick and the instance holding the lease', async () => {
    const name = uniqueName('tick');
    const cfg = writeCliConfig({ schedule: { name, cron: '* * * * * *' } });
    const task = noteTask({ name: cfg.name });
    const group = uniqueName('sched');
    const reader = await startReadingTask(task);
    const scheduler = await using(
      new Scheduler({
        group,
        schedules: [
          defineSchedule({
            name,
            task,
            cron: '* * * * * *',
            payload: (t) => ({ id: t.toISOString(), key: 'k', seq: 1 }),
          }),
        ],
      }),
    );
    await scheduler.start();
    await reader.until(1);

    const listing = await listJson(cfg.file, group);
    expect(listing.leaseHolder).toBe(scheduler.instanceId);
    const lastFired = listing.schedules[0]?.lastFired;
    const ids = (await readAll(task.topic)).map((r) => r.headers[HEADER.id]);
    expect(ids).toContain(`${name}@${lastFired}`);
  });

  it('run fires the schedule and, on SIGTERM, closes cleanly and gives the lease up', async () => {
    const name = uniqueName('tick');
    const cfg = writeCliConfig({ schedule: { name, cron: '* * * * * *' } });
    const group = uniqueName('sched');
    const reader = await startReadingTask(noteTask({ name: cfg.name }));
    const run = startCli(['--config', cfg.file, 'schedule', 'run', '--group', group]);
    const [first] = await reader.until(1);
    expect(first?.headers[HEADER.id]).toMatch(new RegExp(`^${name}@\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.000Z$`));
    // The tick's record can be read before the process has written its log line about it.
    await waitFor('the scheduler to log the tick it fired', () => run.stdout().includes('"msg":"schedule fired"'));

    run.signal('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(0);
    const redis = new Redis(services().redisUrl);
    onCleanup(() => redis.quit());
    expect(await leaseHolder(redis, group)).toBeUndefined();
  });

  it('an unreachable Redis gives one line naming its address and suggesting stack up, exit code 1', async () => {
    const cfg = writeCliConfig({ schedule: { name: uniqueName('tick'), cron: '@hourly' } });
    for (const command of ['list', 'run']) {
      const r = await runCli(['--config', cfg.file, 'schedule', command], {
        env: { REDIS_URL: 'redis://127.0.0.1:1' },
      });
      expect(r.code, command).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        'taskstream: Redis does not answer at redis://127.0.0.1:1; start the local stack with `npx taskstream stack up` (or set the address)',
      ]);
    }
  });

  it('run without schedules in the config is bad usage: exit code 2 with a message', async () => {
    const cfg = writeCliConfig();
    const r = await runCli(['--config', cfg.file, 'schedule', 'run']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'taskstream: the config declares no schedules to run (export `schedules` beside `tasks`)',
    );
  });
});
