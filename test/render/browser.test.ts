import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { simpleParser } from "mailparser";
import pixelmatch from "pixelmatch";
import type { Page } from "playwright-core";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { assembleMessage } from "../../src/adapters/render/message.js";
import { inlineChartImages, printPdf } from "../../src/adapters/render/pdf.js";
import { renderReport } from "../../src/adapters/render/render-report.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { sharedBrowser, withHtmlPage } from "../helpers/chromium.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { computeTenant } from "../helpers/pipeline.js";

// The reference emails as a person sees them: in the system Chromium at phone and desktop widths,
// compared with screenshots a human has looked at; checked by axe-core; and the assembled .eml
// opened back as a mail client would. After an intended layout change, regenerate with
// `UPDATE_SCREENSHOTS=1 npx vitest run test/render/browser.test.ts`, then look at every image.
const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
const update = process.env.UPDATE_SCREENSHOTS === "1";
const WIDTHS = [375, 1200];
// pixelmatch's per-pixel colour threshold, and the share of pixels allowed to differ: room for
// anti-aliasing noise, not for a moved line of text.
const PIXEL_THRESHOLD = 0.1;
const MAX_DIFF_RATIO = 0.005;
/** Rows of the (halved) image judged together. */
const BAND_ROWS = 50;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let diffDir: string | undefined;
/** A temp folder for diff images, created on the first mismatch. */
function diffFolder(): string {
  diffDir ??= mkdtempSync(path.join(tmpdir(), "exec-intel-screenshots-"));
  return diffDir;
}

/**
 * Halves a screenshot (2×2 box average). References are stored at half size in grey: ten
 * full-page colour PNGs added ~12 MB to git at every update, these ~3 MB, and a moved line, a
 * lost tile or a changed severity tag still shows.
 */
function halve(png: PNG): PNG {
  const width = Math.floor(png.width / 2);
  const height = Math.floor(png.height / 2);
  const out = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          sum += png.data[((2 * y + dy) * png.width + 2 * x + dx) * 4 + c] ?? 0;
        }
        out.data[o + c] = Math.round(sum / 4);
      }
    }
  }
  return out;
}

/** A screenshot as stored: halved, in grey, maximally compressed. */
function referenceImage(screenshot: Buffer): Buffer {
  const grey = PNG.sync.write(halve(PNG.sync.read(screenshot)), {
    deflateLevel: 9,
    colorType: 0,
  });
  // Read back so the comparison sees exactly what is stored.
  return PNG.sync.write(PNG.sync.read(grey), { deflateLevel: 9, colorType: 0 });
}

/** Compares a (halved) screenshot with its reference; returns a failure description or undefined. */
function compareScreenshot(
  name: string,
  expectedPng: Buffer,
  actualPng: Buffer,
): string | undefined {
  const expected = PNG.sync.read(expectedPng);
  const actual = PNG.sync.read(actualPng);
  const { width, height } = expected;
  if (actual.width !== width || actual.height !== height) {
    const file = path.join(diffFolder(), `${name}.actual.png`);
    writeFileSync(file, actualPng);
    return `${name}: size changed from ${width}x${height} to ${actual.width}x${actual.height}; new screenshot at ${file}`;
  }
  const diff = new PNG({ width, height });
  pixelmatch(expected.data, actual.data, diff.data, width, height, {
    threshold: PIXEL_THRESHOLD,
  });
  // Judged band by band: on a page 9,000 px tall a changed heading is far below any whole-page
  // share, but it fills its own band.
  const worst = worstBand(diff, width, height);
  if (worst.ratio <= MAX_DIFF_RATIO) return undefined;
  const file = path.join(diffFolder(), `${name}.diff.png`);
  writeFileSync(file, PNG.sync.write(diff));
  writeFileSync(path.join(diffFolder(), `${name}.actual.png`), actualPng);
  return `${name}: ${(worst.ratio * 100).toFixed(2)}% of pixels differ in rows ${worst.top}–${worst.top + BAND_ROWS} (allowed ${MAX_DIFF_RATIO * 100}%); diff at ${file}`;
}

/** The band of rows with the largest share of changed pixels (pixelmatch paints them red). */
function worstBand(diff: PNG, width: number, height: number): { top: number; ratio: number } {
  let worst = { top: 0, ratio: 0 };
  for (let top = 0; top < height; top += BAND_ROWS) {
    const rows = Math.min(BAND_ROWS, height - top);
    let changed = 0;
    for (let i = top * width * 4; i < (top + rows) * width * 4; i += 4) {
      if (diff.data[i] === 255 && diff.data[i + 1] === 0 && diff.data[i + 2] === 0) changed++;
    }
    const ratio = changed / (rows * width);
    if (ratio > worst.ratio) worst = { top, ratio };
  }
  return worst;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page and returns its serious and critical violations. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: AxeViolation[];
  };
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Status of every image in the page: loaded means decoded with a real width. */
function imageStatus(page: Page): Promise<{ src: string; loaded: boolean }[]> {
  return page.evaluate(`Array.from(document.images).map((img) => ({
    src: img.getAttribute("src").slice(0, 60),
    loaded: img.complete && img.naturalWidth > 0,
  }))`);
}

/** The HTML as a browser shows it without a mail client: charts inlined as data: URIs. */
const viewable = (report: RenderedReport) => inlineChartImages(report.html, report.charts);

describe("reference emails in Chromium", async () => {
  const browser = sharedBrowser();
  const { reports } = await computeTenant(PORTFOLIO);
  const rendered = await Promise.all(reports.map((document) => renderReport(document)));
  const byRole = new Map(rendered.map((r) => [r.document.role, r]));
  const roles = [...byRole.keys()];
  const layouts = roles.flatMap((role) => WIDTHS.map((width) => [role, width] as const));
  const report = (role: string): RenderedReport => {
    const found = byRole.get(role);
    if (found === undefined) throw new Error(`no ${role} report`);
    return found;
  };

  it.each(layouts)("%s at %i px matches its reviewed screenshot", async (role, width) => {
    const actual = referenceImage(
      await withHtmlPage(browser(), viewable(report(role)), width, (page) =>
        page.screenshot({ fullPage: true }),
      ),
    );
    const file = path.join(SHOTS, `${role}-${width}.png`);
    if (update) {
      mkdirSync(SHOTS, { recursive: true });
      writeFileSync(file, actual);
    }
    expect(existsSync(file), `${file} is missing: run with UPDATE_SCREENSHOTS=1, then look`).toBe(
      true,
    );
    const failure = compareScreenshot(`${role}-${width}`, readFileSync(file), actual);
    expect(failure === undefined, failure).toBe(true);
  });

  // Both widths: at 375 px axe checks the phone layout, at 1200 px it can also judge the contrast
  // of table cells that a narrow scroll box clips.
  it.each(layouts)(
    "%s at %i px has no serious or critical axe-core violations",
    async (role, width) => {
      const violations = await withHtmlPage(
        browser(),
        viewable(report(role)),
        width,
        seriousViolations,
      );
      const listed = violations.map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help}\n${v.nodes
            .slice(0, 5)
            .map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`)
            .join("\n")}`,
      );
      expect(listed, listed.join("\n")).toEqual([]);
    },
  );

  it.each(roles)("%s does not scroll sideways on a 320 px phone", async (role) => {
    const width = await withHtmlPage(browser(), viewable(report(role)), 320, (page) =>
      page.evaluate("document.documentElement.scrollWidth"),
    );
    expect(width).toBeLessThanOrEqual(320);
  });

  it("the assembled .eml opens in Chromium with every image loaded", async () => {
    let images = 0;
    for (const role of roles) {
      const eml = await assembleMessage(report(role), {
        from: { name: "Exec Intel", email: "reports@example.com" },
        to: [{ name: "Sam Rivera", email: "sam@example.com" }],
        date: new Date("2026-11-01T07:00:00Z"),
      });
      // simpleParser resolves cid: references to data: URIs, as a mail client resolves them.
      const mail = await simpleParser(eml);
      expect(mail.html, role).toBeTypeOf("string");
      const { status, text } = await withHtmlPage(
        browser(),
        mail.html || "",
        1200,
        async (page) => ({
          status: await imageStatus(page),
          text: (await page.evaluate("document.body.textContent")) as string,
        }),
      );
      expect(
        status.filter((s) => !s.loaded),
        `${role}: images that did not load`,
      ).toEqual([]);
      expect(status, role).toHaveLength(report(role).charts.length);
      const squash = (s: string) => s.replace(/\s+/g, " ");
      expect(squash(text), role).toContain(squash(report(role).document.title));
      images += status.length;
    }
    expect(images, "no report has a chart: nothing was checked").toBeGreaterThan(0);
  });

  it("prints the CEO report to a multi-page A4 PDF, a page per section", async () => {
    const ceo = report("ceo");
    const pdf = Buffer.from(
      await printPdf(ceo.html, { paper: "A4", charts: ceo.charts, browser: browser() }),
    );
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const raw = pdf.toString("latin1");
    const pages = raw.match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(ceo.document.sections.length);
    // A4 is 595.92 x 842.88 points in Chromium's output.
    expect(raw).toMatch(/\/MediaBox \[0 0 595\.\d+ 842\.\d+\]/);
    // pdftotext (Debian's poppler-utils) reads the text back: each section after the first
    // opens a page.
    const extracted = spawnSync("pdftotext", ["-", "-"], { input: pdf, encoding: "utf8" });
    expect(extracted.error, "install pdftotext with `apt-get install poppler-utils`").toBe(
      undefined,
    );
    const openers = extracted.stdout.split("\f").map((page) => page.trim().split("\n")[0]?.trim());
    for (const section of ceo.document.sections.slice(1)) {
      expect(openers, `no page opens with "${section.title}"`).toContain(section.title);
    }
  });

  it("pages and prints reach no network: a remote image or stylesheet is never requested", async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const html = `<html><head><link rel="stylesheet" href="http://127.0.0.1:${port}/a.css"></head>
        <body class="section"><img src="http://127.0.0.1:${port}/pixel.png" alt="pixel"></body></html>`;
      const status = await withHtmlPage(browser(), html, 375, imageStatus);
      await printPdf(html, { paper: "A4", charts: [], browser: browser() });
      expect(status).toEqual([{ src: `http://127.0.0.1:${port}/pixel.png`, loaded: false }]);
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("prints on Letter paper when asked", async () => {
    const cfo = report("cfo");
    const pdf = await printPdf(cfo.html, {
      paper: "Letter",
      charts: cfo.charts,
      browser: browser(),
    });
    // Letter is 612 x 792 points.
    expect(Buffer.from(pdf).toString("latin1")).toMatch(/\/MediaBox \[0 0 612 792\]/);
  });
});
