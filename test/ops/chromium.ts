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

export interface RenderedPage {
  /** Screenshot, 1280 x 900. */
  png: string;
  /** The document title after load: a script that ran could have changed it. */
  title: string;
  /** Console output, Content-Security-Policy violations included. */
  console: string[];
}

/**
 * Opens an HTML file the way an operator would (file://, no network) and screenshots it. A
 * browser that cannot start is a failure, never a silent skip: the screenshot is the acceptance
 * test of the page.
 */
export async function renderInChromium(htmlFile: string, dir: string): Promise<RenderedPage> {
  const browser = await puppeteer.launch({
    executablePath: await executablePath(),
    args: chromium.args,
    headless: 'shell',
    defaultViewport: { width: 1280, height: 900 },
    userDataDir: join(dir, 'profile'),
  });
  try {
    const page = await browser.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    const png = join(dir, 'status.png');
    await writeFile(png, await page.screenshot({ type: 'png' }));
    return { png, title: await page.title(), console };
  } finally {
    await browser.close();
  }
}

export async function screenshot(htmlFile: string, dir: string): Promise<string> {
  return (await renderInChromium(htmlFile, dir)).png;
}
