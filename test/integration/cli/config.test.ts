// Guarantee: the CLI finds the project's task types: --config, else taskstream.config.ts in the working folder, else the task types taskstream ships.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../support/resources.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';

type Row = { type: string; topic: string };

describe('taskstream config discovery', () => {
  it('uses taskstream.config.ts from the working folder when --config is not given', async () => {
    const cfg = writeCliConfig();
    const r = await runCli(['topics', 'list', '--json'], { cwd: cfg.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(new Set(r.json<Row[]>().map((row) => row.type))).toEqual(new Set([cfg.name]));
  });

  it('falls back to the shipped task types when the working folder has no config', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'taskstream-noconfig-'));
    onCleanup(() => fs.rmSync(empty, { recursive: true, force: true }));
    const r = await runCli(['topics', 'list', '--json'], { cwd: empty });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Row[]>().map((row) => row.type)).toEqual(expect.arrayContaining(['send-email', 'generate-report']));
  });

  it('a --config file that does not exist fails with one line naming it', async () => {
    const r = await runCli(['--config', '/nonexistent/taskstream.config.ts', 'topics', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'taskstream: config file /nonexistent/taskstream.config.ts does not exist (from --config)',
    );
  });

  it('a config module without a tasks array fails with one line saying what it must export', async () => {
    const cfg = writeCliConfig();
    const bad = path.join(cfg.dir, 'bad.config.ts');
    fs.writeFileSync(bad, 'export default { jobs: [] };\n');
    const r = await runCli(['--config', bad, 'topics', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `taskstream: config file ${bad} must default-export { tasks: [...] } (use defineConfig from ops/cli/config/defineConfig)`,
    ]);
  });
});
