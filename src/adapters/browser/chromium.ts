import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";

/** Where Debian's `chromium` package installs the browser. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for a headless, offline, profile-free run: no sandbox (containers and CI run as root),
 * and none of the background traffic (updates, sync, QUIC probes) a desktop browser starts.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The system Chromium to drive (`CHROMIUM_PATH` first, then Debian's), or undefined when none is
 * installed: PDF output is optional and a downloaded browser is never used.
 */
export function findChromium(
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured !== undefined && configured !== "") {
    return existsSync(configured) ? configured : undefined;
  }
  return existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined;
}

/**
 * Launches Chromium at `executablePath` (usually `findChromium()`) through playwright-core,
 * imported lazily so the CLI starts fast; throws how to install it when the path is undefined.
 * Playwright gives each launch a fresh temporary profile and deletes it on close.
 */
export async function launchChromium(executablePath: string | undefined): Promise<Browser> {
  if (executablePath === undefined) {
    throw new Error(
      `Chromium not found: install Debian's "chromium" package or set CHROMIUM_PATH (looked at ${DEBIAN_CHROMIUM})`,
    );
  }
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/**
 * Runs `fn` on a page in a new light-scheme context that can reach nothing but `data:` URLs, so
 * rendering a report never touches the network (a remote image would be a tracking pixel), and
 * closes the context afterwards.
 */
export async function withOfflinePage<T>(
  browser: Browser,
  viewport: { width: number; height: number },
  fn: (page: Page) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ viewport, colorScheme: "light" });
  try {
    await context.route("**/*", (route) =>
      route.request().url().startsWith("data:") ? route.continue() : route.abort("blockedbyclient"),
    );
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/**
 * Runs `fn` with a freshly launched Chromium (the given one, else `findChromium()`) and closes it
 * afterwards, whatever `fn` did.
 */
export async function withBrowser<T>(
  fn: (browser: Browser) => Promise<T>,
  executablePath?: string,
): Promise<T> {
  const browser = await launchChromium(executablePath ?? findChromium());
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** A browser launched ahead of need, shared by every report of a run; close it once done. */
export interface SharedBrowser {
  /** Settles when Chromium is up (or failed to start: awaiting it then throws why). */
  browser: Promise<Browser>;
  /** Closes the browser if it started; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts launching Chromium now, without waiting: the launch (about half a second) overlaps
 * whatever the caller does next, such as analysing the data the PDFs will show.
 */
export function launchSharedBrowser(executablePath: string): SharedBrowser {
  const browser = launchChromium(executablePath);
  // A launch failure is reported where the browser is awaited; until then it is not unhandled.
  browser.catch(() => {});
  let closing: Promise<void> | undefined;
  return {
    browser,
    close: () => {
      closing ??= browser.then(
        (b) => b.close(),
        () => {},
      );
      return closing;
    },
  };
}
