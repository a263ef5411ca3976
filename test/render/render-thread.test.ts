import { describe, expect, it } from "vitest";
import { renderReports } from "../../src/adapters/render/render-report.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import type { ReportDocument } from "../../src/core/reports/document.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { computeTenant } from "../helpers/pipeline.js";

// The render thread as the CLI ships it: the built module (dist/), whose worker file exists
// beside it (under vitest's TypeScript sources no worker can start, and rendering stays on the
// calling thread). What it renders must be what the calling thread renders, byte for byte.

interface RenderThread {
  render(documents: readonly ReportDocument[]): Promise<RenderedReport[]>;
  close(): Promise<void>;
}
const built = (await import(
  new URL("../../dist/adapters/render/render-thread.js", import.meta.url).href
)) as { startRenderThread(): RenderThread | undefined };
const source = await import("../../src/adapters/render/render-thread.js");

const { reports } = await computeTenant(PORTFOLIO);

/** What a rendition is made of, with the chart images as bytes. */
const renditions = (rendered: readonly RenderedReport[]) =>
  rendered.map((r) => ({
    role: r.document.role,
    html: r.html,
    text: r.text,
    markdown: r.markdown,
    json: r.json,
    charts: r.charts.map((c) => ({
      cid: c.cid,
      svg: c.svg,
      png: Buffer.from(c.png).toString("hex"),
    })),
  }));

describe("the render thread", () => {
  it("does not start from the TypeScript sources (tests and the Lambda bundle render in place)", () => {
    expect(source.startRenderThread()).toBeUndefined();
  });

  it("renders the portfolio's reports exactly as this thread does, in order, batch after batch", async () => {
    const thread = built.startRenderThread();
    if (thread === undefined)
      throw new Error("the built render thread did not start: npm run build");
    try {
      const [first, second] = await Promise.all([
        thread.render(reports),
        thread.render(reports.slice(0, 2)),
      ]);
      const here = await renderReports(reports);
      expect(renditions(first)).toEqual(renditions(here.reports));
      expect(renditions(second)).toEqual(renditions(here.reports.slice(0, 2)));
      expect(first.every((r) => r.pdf === undefined)).toBe(true);
    } finally {
      await thread.close();
    }
  });

  it("rejects a batch that fails with its error, and renders the next one", async () => {
    const thread = built.startRenderThread();
    if (thread === undefined)
      throw new Error("the built render thread did not start: npm run build");
    try {
      const broken = { ...reports[0], sections: undefined } as unknown as ReportDocument;
      await expect(thread.render([broken])).rejects.toThrow(/Cannot read properties of undefined/);
      const [again] = await thread.render(reports.slice(0, 1));
      expect(again?.document.role).toBe(reports[0]?.role);
    } finally {
      await thread.close();
    }
  });

  it("rejects what is pending when it is closed", async () => {
    const thread = built.startRenderThread();
    if (thread === undefined)
      throw new Error("the built render thread did not start: npm run build");
    const pending = thread.render(reports);
    await thread.close();
    await expect(pending).rejects.toThrow(/render thread stopped/);
  });
});
