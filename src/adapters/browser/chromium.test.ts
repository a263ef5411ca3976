import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEBIAN_CHROMIUM, findChromium, launchChromium } from "./chromium.js";

describe("findChromium", () => {
  it("prefers CHROMIUM_PATH when that file exists", () => {
    const file = fileURLToPath(import.meta.url);
    expect(findChromium({ CHROMIUM_PATH: file })).toBe(file);
  });

  it("finds nothing when CHROMIUM_PATH names a missing file (no silent fallback)", () => {
    expect(findChromium({ CHROMIUM_PATH: "/nonexistent/chromium" })).toBeUndefined();
  });

  it("falls back to Debian's path exactly when it is installed", () => {
    expect(findChromium({})).toBe(existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);
  });
});

describe("launchChromium", () => {
  it("says how to install Chromium when there is none", async () => {
    await expect(launchChromium(undefined)).rejects.toThrow(
      /Chromium not found: install Debian's "chromium" package or set CHROMIUM_PATH/,
    );
  });
});
