// Guarantee: `taskstream demo` (what `npm start` runs) starts two worker processes, a scheduler and an SMTP server
// against the real stack, feeds them a stream with failures on purpose, and ends with a summary that matches what
// it produced: the .eml files, gzip CSV reports, resized images and the dead letters `taskstream dlq list` shows.
// Ctrl-C (SIGINT) mid-run drains the workers, stops the scheduler and still prints the summary, exit 0.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { summariseGzipCsv } from '../../support/gzipCsv.js';
import { filesBelow } from '../../support/images.js';
import { onCleanup, uniqueName } from '../../support/resources.js';
import { runCli, runCliJson, startCli } from '../../support/runCli.js';
import { waitFor } from '../../support/waitFor.js';

const TYPES = ['send-email', 'generate-report', 'resize-image'] as const;

function demoDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskstream-demo-'));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function startDemo(dir: string, duration: string) {
  const args = ['demo', '--duration', duration, '--rate', '5', '--dir', dir, '--namespace', uniqueName('demo')];
  return startCli(args, { timeoutMs: 170_000 });
}

/** The number after `label` in the summary, e.g. `mails captured: 41`. */
function summaryNumber(stdout: string, label: string): number {
  const m = new RegExp(`${label} (\\d+)`).exec(stdout);
  if (!m) throw new Error(`the summary has no "${label}":\n${stdout}`);
  return Number(m[1]);
}

/** The table row of a task type in the summary: enqueued, done, retried, dead-lettered. */
function summaryRow(stdout: string, type: string): number[] {
  const summary = stdout.slice(stdout.indexOf('\nsummary'));
  const m = new RegExp(`^\\s+${type}\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)`, 'm').exec(summary);
  if (!m) throw new Error(`the summary has no row for ${type}:\n${stdout}`);
  return m.slice(1, 5).map(Number);
}

describe('npm start (taskstream demo)', () => {
  it('ends with a summary that matches the mails, reports, images and dead letters it produced', async () => {
    const dir = demoDir();
    const r = await startDemo(dir, '15s').result;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);

    const emls = (await filesBelow(path.join(dir, 'mail'))).filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBeGreaterThan(0);
    expect(summaryNumber(r.stdout, 'mails captured:')).toBe(emls.length);
    // Every mail the workers counted done reached the SMTP server: the table and the mailbox agree.
    expect(summaryRow(r.stdout, 'send-email')[1]).toBe(emls.length);
    expect(fs.readFileSync(path.join(dir, 'mail', emls[0] as string), 'utf8')).toMatch(
      /^Message-ID: <.+@taskstream>/im,
    );

    const reports = (await filesBelow(path.join(dir, 'reports'))).filter((f) => f.endsWith('.csv.gz'));
    expect(reports.length).toBeGreaterThan(0);
    expect(summaryNumber(r.stdout, 'report files:')).toBe(reports.length);
    for (const file of reports) {
      const csv = await summariseGzipCsv(path.join(dir, 'reports', file));
      expect(csv.header, file).toMatch(/,/);
    }

    const images = await filesBelow(path.join(dir, 'images'));
    expect(images.length).toBeGreaterThan(0);
    expect(summaryNumber(r.stdout, 'resized images:')).toBe(images.length);
    for (const file of images) {
      const { width } = await sharp(path.join(dir, 'images', file)).metadata();
      expect([160, 320], file).toContain(width);
    }

    const since = /dlq list send-email --since (\S+)/.exec(r.stdout)?.[1];
    expect(since, r.stdout).toBeDefined();
    const config = path.join(dir, 'taskstream.config.ts');
    const listed = await Promise.all(
      TYPES.map((type) =>
        runCliJson<{ taskId: string }[]>([
          '--config',
          config,
          'dlq',
          'list',
          type,
          '--since',
          since as string,
          '--json',
        ]),
      ),
    );
    TYPES.forEach((type, i) => {
      const reported = summaryNumber(r.stdout, `dead letters ${type}:`);
      // The stream fails some of every type on purpose.
      expect(reported, type).toBeGreaterThan(0);
      expect(listed[i]?.length, type).toBe(reported);
      expect(summaryRow(r.stdout, type)[3], type).toBe(reported);
    });
  });

  it('stops on SIGINT mid-run: the workers drain, the scheduler stops, the summary prints, exit 0', async () => {
    const dir = demoDir();
    const demo = startDemo(dir, '60s');
    // A progress line means the workers are up and tasks are flowing.
    await waitFor('the demo to report progress', () => /\d+s {2}send-email \d+ in, [1-9]\d* done/.test(demo.stdout()), {
      timeoutMs: 150_000,
      intervalMs: 250,
    });
    demo.signal('SIGINT');
    const r = await demo.result;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^summary {4}interrupted \(Ctrl-C\) after \d+ s/m);
    expect(summaryNumber(r.stdout, 'mails captured:')).toBe(
      (await filesBelow(path.join(dir, 'mail'))).filter((f) => f.endsWith('.eml')).length,
    );
    const logs = path.join(dir, 'logs');
    for (const worker of ['worker-1.log', 'worker-2.log']) {
      expect(fs.readFileSync(path.join(logs, worker), 'utf8'), worker).toMatch(
        /"signal":"SIGTERM".*shutting down gracefully/,
      );
    }
    expect(fs.readFileSync(path.join(logs, 'scheduler.log'), 'utf8')).toMatch(/scheduler closed/);
  });

  it('refuses a bad --rate with a message and exit code 2, before starting anything', async () => {
    const dir = demoDir();
    const r = await runCli(['demo', '--rate', '0', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rate.*more than 0/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
