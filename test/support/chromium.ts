// Launches Debian's headless Chromium through playwright-core for the webview and end-to-end suites.
import { chromium, type Browser } from "playwright-core";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** Where Chromium lives: `KERNELLENS_CHROMIUM` wins, then the usual Debian and Ubuntu paths. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.KERNELLENS_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/**
 * Flags that keep Chromium off the network (this machine has none beyond package registries) and working as root
 * without a GPU or a desktop session.
 */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new Error("Chromium not found: install it (Debian: apt-get install chromium) or set KERNELLENS_CHROMIUM");
  }
  // Playwright gives every launch a fresh temporary profile, so runs never share state.
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs });
}

/** Folder for screenshots and logs a person can look at after a run. */
export function testOutputDir(...parts: string[]): string {
  return join(new URL("../..", import.meta.url).pathname, "test-output", ...parts);
}
