// Guarantee: taskstream works as an installed npm package, the way a user gets it: the tarball `npm pack` makes
// installs into a project outside this repository, a TypeScript program typechecks against the shipped types,
// defines a task, enqueues it and processes it against the real stack, and the `taskstream` command runs from
// node_modules/.bin with the user's own TypeScript config.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { services } from '../../support/services.js';
import { uniqueName } from '../../support/resources.js';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = (name: string) => path.join(repo, 'node_modules', '.bin', name);

const APP = `
import { defineTask, handle, TaskProducer, Worker, type TaskContext } from 'taskstream';

const greeting = defineTask({
  name: process.env.TASK_NAME ?? 'greeting',
  schema: { type: 'record', name: 'Greeting', fields: [{ name: 'name', type: 'string' }] } as const,
  partitions: 1,
});

const producer = new TaskProducer();
const sent = await producer.enqueue(greeting, { name: 'Ada' });
let ran!: (name: string) => void;
const processed = new Promise<string>((resolve) => (ran = resolve));
const worker = new Worker({
  handlers: [
    handle(greeting, (payload, ctx: TaskContext) => {
      if (ctx.taskId === sent.taskId) ran(payload.name);
    }),
  ],
});
await worker.start();
const name = await processed;
await worker.close();
await producer.close();
console.log(JSON.stringify({ ran: name, taskId: sent.taskId }));
`;

const CONFIG = `
import { defineTask } from 'taskstream';
import { defineConfig } from 'taskstream/config';

export default defineConfig({
  tasks: [
    defineTask({
      name: process.env.TASK_NAME ?? 'greeting',
      schema: { type: 'record', name: 'Greeting', fields: [{ name: 'name', type: 'string' }] } as const,
      partitions: 1,
    }),
  ],
});
`;

describe('taskstream as an installed package', () => {
  let project: string;
  let tarballFiles: string[];
  let tarball: string;
  const taskName = uniqueName('greeting');
  const env = () => ({
    ...process.env,
    TASK_NAME: taskName,
    KAFKA_BROKERS: services().kafkaBrokers,
    SCHEMA_REGISTRY_URL: services().registryUrl,
    REDIS_URL: services().redisUrl,
    TASKSTREAM_LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'taskstream-user-'));
    // prepack builds dist/ first, as it does before a publish.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], {
      cwd: repo,
      maxBuffer: 64 * 1024 * 1024,
    });
    const packed = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = path.join(project, (packed[0] as { filename: string }).filename);
    tarballFiles = (packed[0] as { files: { path: string }[] }).files.map((f) => f.path);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-app', type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project, maxBuffer: 16 * 1024 * 1024 });
    fs.writeFileSync(path.join(project, 'app.ts'), APP);
    fs.writeFileSync(path.join(project, 'taskstream.config.ts'), CONFIG);
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          // As most projects set it: ioredis's own declarations do not check without types it does not ship.
          skipLibCheck: true,
          outDir: 'out',
          // Node's types come from this repository: the user's project installs only taskstream.
          typeRoots: [path.join(repo, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
  }, 600_000);

  it('ships the built library, its types and the command, and no tests, bench or CI files', () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'ops/cli/bin.js',
        // Loaded by path in pool threads, not through an import the bundler follows.
        'dist/threadEntry.js',
        'dist/resizeInThread.js',
      ]),
    );
    expect(
      tarballFiles.filter((f) => /^(test|bench|\.ci|patches)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
    ).toEqual([]);
  });

  it('typechecks a program against the shipped types and runs it: the task is enqueued and processed', async () => {
    await run(process.execPath, [bin('tsc'), '-p', 'tsconfig.json'], { cwd: project });
    const { stdout } = await run(process.execPath, ['out/app.js'], { cwd: project, env: env(), timeout: 120_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop() as string) as { ran: string; taskId: string };
    expect(result.ran).toBe('Ada');
  }, 180_000);

  it('passes publint and Are The Types Wrong (ESM only) on the packed tarball', async () => {
    await run(process.execPath, [
      bin('publint'),
      path.join(project, 'node_modules', 'taskstream'),
      '--pack',
      'false',
      '--strict',
    ]);
    await run(process.execPath, [bin('attw'), tarball, '--profile', 'esm-only']);
  }, 120_000);

  it('runs `taskstream --version` from node_modules/.bin', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await run(path.join(project, 'node_modules', '.bin', 'taskstream'), ['--version'], {
      cwd: project,
    });
    expect(stdout).toBe(`${version}\n`);
  });

  it("shows, with `taskstream lag` on the user's TypeScript config, the program's group caught up", async () => {
    // The group is the one the program's worker joined (the default, taskstream.<type>) in the test before.
    const { stdout } = await run(
      path.join(project, 'node_modules', '.bin', 'taskstream'),
      ['lag', taskName, '--json'],
      { cwd: project, env: env(), timeout: 60_000 },
    );
    const [lag] = JSON.parse(stdout) as { group: string; total: number; partitions: { topic: string }[] }[];
    expect(lag?.group).toBe(`taskstream.${taskName}`);
    expect(lag?.partitions.map((p) => p.topic)).toEqual([`tasks.${taskName}`]);
    expect(lag?.total).toBe(0);
  }, 90_000);
});
