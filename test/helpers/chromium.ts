import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import {
  findChromium,
  launchChromium,
  withOfflinePage,
} from "../../src/adapters/browser/chromium.js";

/**
 * Launches the system Chromium once for the calling test file and closes it after its last test;
 * the returned function gives the running browser.
 */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium(findChromium());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error("Chromium was not launched (see beforeAll)");
    return browser;
  };
}

/** Loads HTML into a fresh offline page of the given width and runs `fn` on it. */
export function withHtmlPage<T>(
  browser: Browser,
  html: string,
  width: number,
  fn: (page: Page) => Promise<T>,
): Promise<T> {
  return withOfflinePage(browser, { width, height: 800 }, async (page) => {
    await page.setContent(html, { waitUntil: "load" });
    return fn(page);
  });
}
