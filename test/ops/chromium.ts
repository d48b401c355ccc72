import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import chromium from '@sparticuz/chromium';
import puppeteer from 'puppeteer-core';

/**
 * The browser comes from npm, not from the machine: @sparticuz/chromium ships a headless
 * Chromium (linux x64) inside its package and unpacks it to the temp folder on first use, so
 * `npm ci && npm test` needs nothing but Node. CHROMIUM_PATH points at another build instead.
 */
async function executablePath(): Promise<string> {
  return process.env.CHROMIUM_PATH ?? (await chromium.executablePath());
}

/**
 * Screenshots an HTML file at 1280 x 900. A browser that cannot start is a failure, never a
 * silent skip: the screenshot is the acceptance test of the page.
 */
export async function screenshot(htmlFile: string, dir: string): Promise<string> {
  const browser = await puppeteer.launch({
    executablePath: await executablePath(),
    args: chromium.args,
    headless: 'shell',
    defaultViewport: { width: 1280, height: 900 },
    userDataDir: join(dir, 'profile'),
  });
  try {
    const page = await browser.newPage();
    // file:// only: the page must render with no network, as an operator opens it.
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    const png = join(dir, 'status.png');
    await writeFile(png, await page.screenshot({ type: 'png' }));
    return png;
  } finally {
    await browser.close();
  }
}
