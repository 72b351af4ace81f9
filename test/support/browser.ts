// A real Chromium for the dashboard's tests: Debian's `chromium` package driven
// by playwright-core (Playwright's own browser download cannot work here). The
// Debian launcher `/usr/bin/chromium` is a shell script; Playwright is pointed
// at the binary behind it. `.ci/run` installs the package when it is missing.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p): p is string => !!p && existsSync(p));
  if (!found) {
    throw new Error(
      "no Chromium found: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH",
    );
  }
  return found;
}

/** A headless Chromium; the caller closes it. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in CI has no user namespace for Chromium's sandbox; /dev/shm may be small.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}
