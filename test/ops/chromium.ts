import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's package; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Screenshots an HTML file in headless Chromium. A missing browser is a failure with the fix
 * in the message, never a silent skip: the screenshot is the acceptance test of the page.
 */
export async function screenshot(htmlFile: string, dir: string): Promise<string> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `headless Chromium not found at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH`,
    );
  }
  const png = join(dir, 'status.png');
  await run(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${join(dir, 'profile')}`,
      `--screenshot=${png}`,
      '--window-size=1280,900',
      pathToFileURL(htmlFile).href,
    ],
    { timeout: 60_000 },
  );
  return png;
}
