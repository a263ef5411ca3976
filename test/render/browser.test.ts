import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { simpleParser } from "mailparser";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { assembleMessage } from "../../src/adapters/render/message.js";
import { inlineChartImages, printPdf } from "../../src/adapters/render/pdf.js";
import { renderReport } from "../../src/adapters/render/render-report.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { sharedBrowser, withHtmlPage } from "../helpers/chromium.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { computeTenant } from "../helpers/pipeline.js";
import { expectReviewedScreenshot } from "../helpers/screenshots.js";

// The reference emails as a person sees them: in the system Chromium at phone and desktop widths,
// compared with screenshots a human has looked at; checked by axe-core; and the assembled .eml
// opened back as a mail client would. After an intended layout change, regenerate with
// `UPDATE_SCREENSHOTS=1 npx vitest run test/render/browser.test.ts`, then look at every image.
const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
const WIDTHS = [375, 1200];
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

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
    expectReviewedScreenshot(
      SHOTS,
      `${role}-${width}`,
      await withHtmlPage(browser(), viewable(report(role)), width, (page) =>
        page.screenshot({ fullPage: true }),
      ),
    );
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
