import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of taskstream's own package.json: the checkout, or `node_modules/taskstream` when installed. Found
 * by walking up from this module because the code runs from its sources (`ops/…`) in a checkout and from one
 * bundled file (`dist/…`) when installed, at different depths.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'taskstream'
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`taskstream's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The installed version, from package.json. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** True when running from a checkout (sources beside a .git), false from an installed package. */
export function isCheckout(): boolean {
  return !packageRoot().split(path.sep).includes('node_modules');
}
