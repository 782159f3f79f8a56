#!/usr/bin/env node
// The `taskstream` command. Installed from npm, it runs the built CLI (dist/cli.js). In a checkout it runs the
// TypeScript sources through tsx, so what you edit is what runs, with no build step and no stale dist/.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const sources = new URL('./main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../../dist/cli.js', import.meta.url).href);
}
