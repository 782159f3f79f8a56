import fs from 'node:fs';
import { ConfigError } from '../errors.js';

/** The contents of the file an environment variable names; a ConfigError naming both when it cannot be read. */
export function readVariableFile(variable: string, env: NodeJS.ProcessEnv): Buffer {
  const file = env[variable] as string;
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
