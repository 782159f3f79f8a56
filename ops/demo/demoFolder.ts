import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { UsageError } from '../cli/UsageError.js';

/** The files of one demo run, all under one folder a user can look through afterwards. */
export interface DemoFolder {
  readonly dir: string;
  /** Each accepted mail as `<n>.eml`. */
  readonly mail: string;
  /** generate-report's gzip CSV files. */
  readonly reports: string;
  /** resize-image's output. */
  readonly images: string;
  /** The source images the resize tasks name; two of them fail on purpose (see `badSources`). */
  readonly sources: string;
  /** The child processes' output, one file each. */
  readonly logs: string;
  /** The config the workers, the scheduler and a user's later commands load. */
  readonly config: string;
  readonly goodSources: readonly string[];
  /** A path with no file (dead-lettered at once) and a file that is not an image (dead-lettered at once). */
  readonly badSources: { readonly missing: string; readonly undecodable: string };
}

const MARKER = '.taskstream-demo';
const OUTPUTS = ['mail', 'reports', 'images', 'sources', 'logs'] as const;
const COLOURS = [
  { r: 220, g: 80, b: 60 },
  { r: 60, g: 160, b: 90 },
  { r: 50, g: 90, b: 200 },
  { r: 230, g: 190, b: 40 },
];

/**
 * Lays out the demo's folder, emptying what an earlier run left there. A folder that exists, holds files and
 * was not made by the demo is refused rather than emptied.
 */
export async function prepareDemoFolder(dir: string, namespace: string): Promise<DemoFolder> {
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new UsageError(`--dir ${dir} holds files the demo did not make; name an empty or new folder`);
  }
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, MARKER), 'made by `taskstream demo`; emptied by the next run\n');
  const sub = Object.fromEntries(OUTPUTS.map((name) => [name, path.join(dir, name)])) as Record<
    (typeof OUTPUTS)[number],
    string
  >;
  for (const folder of Object.values(sub)) {
    await fs.rm(folder, { recursive: true, force: true });
    await fs.mkdir(folder, { recursive: true });
  }
  const goodSources = await Promise.all(
    COLOURS.map(async (background, i) => {
      const file = path.join(sub.sources, `photo-${i + 1}.jpg`);
      await sharp({ create: { width: 800, height: 600, channels: 3, background } })
        .jpeg()
        .toFile(file);
      return file;
    }),
  );
  const undecodable = path.join(sub.sources, 'notes.jpg');
  await fs.writeFile(undecodable, 'not an image: a text file with a .jpg name\n');
  const config = await writeConfig(dir, namespace);
  return {
    dir,
    ...sub,
    config,
    goodSources,
    badSources: { missing: path.join(sub.sources, 'missing.jpg'), undecodable },
  };
}

async function writeConfig(dir: string, namespace: string): Promise<string> {
  // The folder may be outside this package: "type": "module" makes the .ts config load as ESM there too.
  await fs.writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const file = path.join(dir, 'taskstream.config.ts');
  const module = new URL('./demoConfig.js', import.meta.url).href;
  await fs.writeFile(
    file,
    `// Written by \`taskstream demo\`: the demo's task types (topics ${namespace}.*), its schedule and handlers.
import { demoConfig } from '${module}';

export default demoConfig({ namespace: ${JSON.stringify(namespace)}, dir: ${JSON.stringify(dir)} });
`,
  );
  return file;
}
