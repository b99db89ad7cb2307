import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian (and Ubuntu's deb) put Chromium; playwright-core downloads no browser of its own. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

/** Debian's Chromium; a missing one fails the test loudly (.ci/run installs the package). */
export function chromiumBinary(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `Chromium not found (looked for ${CANDIDATES.join(', ')}): run \`apt-get install chromium\` (.ci/run does). ` +
        "The browser tests drive Debian's Chromium through playwright-core and never download a browser.",
    );
  }
  return found;
}

/** A headless Chromium for one test file; close it in afterAll. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumBinary(),
    headless: true,
    // --no-sandbox: CI and this container run as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--font-render-hinting=none'],
  });
}
