// Guarantee: the CLI fails the way scripts and people need: one line and exit 1 for an unreachable service (naming its address, suggesting `taskstream stack up`), exit 2 for bad usage, no stack traces.
import { describe, expect, it } from 'vitest';
import { noteJson, runCli, writeCliConfig } from '../../support/runCli.js';

const DEAD_BROKER = { KAFKA_BROKERS: '127.0.0.1:1' };

function expectOneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  return lines[0] as string;
}

describe('taskstream CLI failures', () => {
  // How fast these fail (a probe without retries, not kafkajs's retry ladder) is not asserted: timings on a
  // shared CI machine are noise (CliResult.ms records them).
  it('an unreachable broker gives one line naming its address and exit code 1', async () => {
    const cfg = writeCliConfig();
    for (const args of [['topics', 'list'], ['lag'], ['workers', '--sample', '0'], ['topics', 'describe', cfg.name]]) {
      const r = await runCli(['--config', cfg.file, ...args], { env: DEAD_BROKER });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(expectOneLine(r.stderr)).toBe(
        'taskstream: Kafka does not answer at 127.0.0.1:1; start the local stack with `npx taskstream stack up` (or set the address)',
      );
    }
  });

  it('enqueue to an unreachable broker fails the same way', async () => {
    const cfg = writeCliConfig();
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, noteJson('a')], { env: DEAD_BROKER });
    expect(r.code).toBe(1);
    expect(expectOneLine(r.stderr)).toMatch(/Kafka does not answer at 127\.0\.0\.1:1; .*taskstream stack up/);
  });

  it('a worker serving metrics that cannot reach Kafka exits 1, its open port notwithstanding', async () => {
    const r = await runCli(['worker', '--metrics-port', '0', '--metrics-host', '127.0.0.1'], {
      env: DEAD_BROKER,
      timeoutMs: 90_000,
    });
    expect(r.code).toBe(1); // null would mean the timeout killed it: the process hung
    expect(r.stderr).toMatch(/Kafka does not answer at 127\.0\.0\.1:1/);
  });

  it('enqueue with an unreachable registry gives one line naming its address and the same hint', async () => {
    const cfg = writeCliConfig();
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, noteJson('a')], {
      env: { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' },
    });
    expect(r.code).toBe(1);
    expect(expectOneLine(r.stderr)).toMatch(
      /schema registry at http:\/\/127\.0\.0\.1:1 did not answer; .*taskstream stack up/,
    );
  });

  it('an unknown option exits 2', async () => {
    const r = await runCli(['topics', 'create', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-option'");
  });

  it('a scheduler group that cannot name a Redis key exits 2, in schedule and dashboard alike', async () => {
    for (const [args, option] of [
      [['schedule', 'list', '--group', 'a b'], '--group'],
      [['dashboard', '--schedule-group', 'a b'], '--schedule-group'],
    ] as const) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toBe(`taskstream: ${option} "a b" may hold only letters, digits, '.', '_' and '-'`);
    }
  });

  it('a missing argument exits 2', async () => {
    const r = await runCli(['enqueue']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'type'");
  });

  it('an option value that does not parse exits 2', async () => {
    for (const args of [
      ['workers', '--stuck-after', 'soon'],
      ['topics', 'create', '--partitions', '0'],
      ['worker', '--metrics-port', '70000'],
      ['dashboard', '--port', 'eighty'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/argument '.*' is invalid/);
    }
  });

  it('a metrics port in TASKSTREAM_METRICS_PORT that does not parse exits 2, naming the variable', async () => {
    const r = await runCli(['worker'], { env: { TASKSTREAM_METRICS_PORT: 'ninety' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('taskstream: TASKSTREAM_METRICS_PORT must be a port from 0 to 65535, got "ninety"');
  });

  it('--help exits 0 and describes the command', async () => {
    const r = await runCli(['enqueue', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: taskstream enqueue [options] <type> [json]');
    expect(r.stdout).toContain('--skip-bad');
  });

  it('stops quietly with exit code 141 (as for SIGPIPE) when its reader goes away, as in `| head`', async () => {
    const r = await runCli(['enqueue', '--help'], { closeStdout: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
  });
});
