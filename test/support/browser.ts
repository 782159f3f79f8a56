import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where browser tests leave their screenshots (gitignored). */
export const SCREENSHOTS = path.join(root, 'test', 'output', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (.ci/run does)`);
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The text of one cell of a task type's row on the dashboard (`data-field`), trimmed. */
export async function cellOf(page: Page, type: string, field: string): Promise<string> {
  const text = await page.locator(`tr[data-type="${type}"] td[data-field="${field}"]`).textContent();
  return (text ?? '').trim();
}
