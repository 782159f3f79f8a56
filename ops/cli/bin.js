#!/usr/bin/env node
// The `taskstream` command. The sources are TypeScript; tsx compiles them on load, so a checkout runs as is.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
