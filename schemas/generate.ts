/**
 * Writes schemas/generated/<name>.ts from each schemas/avro/<name>.avsc: the same JSON declared `as const`,
 * so the payload types follow from the .avsc file (TypeScript cannot read literal types out of a .json import).
 * `npm run schemas` regenerates; `npm run schemas -- --check` fails when a generated file is stale (CI).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;
for (const file of fs
  .readdirSync(path.join(here, 'avro'))
  .filter((f) => f.endsWith('.avsc'))
  .sort()) {
  const schema: unknown = JSON.parse(fs.readFileSync(path.join(here, 'avro', file), 'utf8'));
  const name = file.replace(/\.avsc$/, '');
  const constName = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) + 'Schema';
  const text =
    `// Generated from schemas/avro/${file} by \`npm run schemas\`; edit the .avsc file, not this one.\n` +
    `export const ${constName} = ${JSON.stringify(schema, null, 2)} as const;\n`;
  const out = path.join(here, 'generated', `${name}.ts`);
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (current === text) continue;
  if (check) {
    process.stderr.write(`schemas/generated/${name}.ts is stale: run npm run schemas\n`);
    stale++;
  } else {
    fs.writeFileSync(out, text);
    process.stdout.write(`wrote schemas/generated/${name}.ts\n`);
  }
}
if (stale > 0) process.exitCode = 1;
