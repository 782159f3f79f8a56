import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'pipeline/index.ts',
    config: 'ops/cli/config/defineConfig.ts',
    cli: 'ops/cli/main.ts',
    consumers: 'consumers/main.ts',
    dashboard: 'ops/dashboard/index.ts',
    // Loaded by file in pool threads (ThreadPool.ts names the entry; the resize consumer names its thread file).
    threadEntry: 'pipeline/threads/threadEntry.js',
    resizeInThread: 'consumers/image/resizeInThread.ts',
  },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  outDir: 'dist',
  clean: true,
  splitting: true,
  noExternal: [/^kafkajs(\/|$)/],
  // kafkajs is CommonJS and requires Node's modules; bundled into ESM it needs a require of its own.
  banner: {
    js: "import { createRequire as __tsCreateRequire } from 'node:module'; const require = __tsCreateRequire(import.meta.url);",
  },
});
