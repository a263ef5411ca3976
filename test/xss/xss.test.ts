import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Dialog, Page, Request } from "playwright-core";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withOfflinePage } from "../../src/adapters/browser/chromium.js";
import { renderReport } from "../../src/adapters/render/render-report.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { TEXT_WIDTH } from "../../src/core/render/text.js";
import { sharedBrowser } from "../helpers/chromium.js";
import { copyWorkspace, PORTFOLIO, PORTFOLIO_ROLES } from "../helpers/cli.js";
import { computeTenant } from "../helpers/pipeline.js";
import { MARKER_PATTERN, marker, XSS_PAYLOADS, type XssPayload } from "./payloads.js";

// Untrusted text (ledger descriptions, handoff notes, names in the configuration, file names) is
// planted with classic XSS payloads in a copy of the reference workspace; the five reports must
// carry every payload, and carry it inert: escaped in Markdown, literal in text, and dead in the
// HTML email as Chromium runs it with JavaScript on. Markdown turned into HTML by the dashboard
// comes with the dashboard's issue and is not covered here.

/** One payload planted in one place. */
interface Planted {
  channel: string;
  marker: string;
  text: string;
  /** True where the field reaches reports verbatim, so the exact text must show. */
  verbatim: boolean;
}

const byName = (name: string): XssPayload => {
  const found = XSS_PAYLOADS.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no payload named ${name}`);
  return found;
};

/** Quotes a CSV field the RFC 4180 way. */
const csvField = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** Plants every payload in a workspace copy; returns what went where. */
async function plant(dir: string): Promise<Planted[]> {
  const planted: Planted[] = [];
  const add = (channel: string, index: number, payload: XssPayload, prefix = "") => {
    const m = marker(channel, index);
    const text = `${prefix}${payload.make(m)}`;
    planted.push({ channel, marker: m, text, verbatim: channel !== "h" });
    return { marker: m, text };
  };

  // Ledger descriptions reach the accounting report as uncategorised inflows, quoted in evidence.
  // A unique first word keeps each payload in its own description group.
  const ledgerRows = XSS_PAYLOADS.map((payload, i) => {
    const m = marker("l", i);
    return `10/15/2026,${csvField(add("l", i, payload, `${m} `).text)},12.34,"1,000.00"`;
  });
  const ledger = path.join(dir, "data/ledger/jada-checking.csv");
  const csv = await readFile(ledger, "utf8");
  await writeFile(ledger, `${csv}${csv.endsWith("\n") ? "" : "\n"}${ledgerRows.join("\n")}\n`);

  // A handoff note: its security items become findings whose next action names the owner, and a
  // CRM item makes the sales-pipeline finding quote the note's title.
  const title = add("n", 0, byName("</style> breakout"), "Planted note ");
  const owner = add("o", 0, byName("double-quoted attribute breakout"), "Pat ");
  const items = XSS_PAYLOADS.flatMap((payload, i) =>
    payload.markdownSyntax === true
      ? []
      : [`- [security] [high] ${add("h", i, payload, "Planted issue ").text}`],
  );
  await writeFile(
    path.join(dir, "data/handoffs/zz-planted.md"),
    [
      "---",
      "entity: QuickDumpNow",
      `title: ${JSON.stringify(title.text)}`,
      "updated: 2026-10-15",
      `owner: ${JSON.stringify(owner.text)}`,
      "stack: [Ruby on Rails 5.2]",
      "---",
      "## Known issues",
      "- [medium] There is no CRM for the dumpster leads either.",
      ...items,
      "",
    ].join("\n"),
  );

  // A file name is untrusted too: it comes back as the evidence's source path. No `/` can be in a
  // file name, so this payload sets the flag with a template literal instead.
  const fileMarker = marker("f", 0);
  const fileStem = `'"><img src=x onerror=top.__xss=\`${fileMarker}\`>`;
  planted.push({ channel: "f", marker: fileMarker, text: fileStem, verbatim: true });
  await writeFile(
    path.join(dir, "data/handoffs", `${fileStem}.md`),
    "---\nentity: JADA\nupdated: 2026-10-15\nstack: [Node.js]\n---\n## Known issues\n- [security] [high] Planted file name.\n",
  );

  // Names in the configuration: the tenant's (report titles, headers) and two entities'.
  const config = path.join(dir, "exec-intel.yaml");
  const rename = (yaml: string, from: string, to: string) => {
    const line = `name: ${from}\n`;
    if (!yaml.includes(line)) throw new Error(`exec-intel.yaml has no "${line.trim()}"`);
    return yaml.replace(line, `name: ${JSON.stringify(to)}\n`);
  };
  let yaml = await readFile(config, "utf8");
  yaml = rename(yaml, "Owner Portfolio", add("t", 0, byName("</title> breakout"), "Owner ").text);
  yaml = rename(yaml, "QueenofSanDiego", add("e", 0, byName("svg onload"), "QueenofSanDiego").text);
  yaml = rename(
    yaml,
    "DangerousCentaur client portfolio",
    add("e", 1, byName("single-quoted attribute breakout"), "DC clients").text,
  );
  await writeFile(config, yaml);
  return planted;
}

/** Whitespace and control characters as the plain-text renderer treats them. */
const flatten = (value: string) =>
  value
    .replace(/[\u202A-\u202E\u2066-\u2069]/g, "")
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, " ")
    .trim();

/** Link destinations a Markdown renderer would follow, with the scheme it would see. */
function markdownLinkTargets(markdown: string): { raw: string; scheme: string }[] {
  // Parsed by a CommonMark parser, as the dashboard or any Markdown viewer would: only real
  // links, images and definitions count, never text that merely looks like one.
  const tree = unified().use(remarkParse).parse(markdown);
  const targets: string[] = [];
  const visit = (node: { type: string; url?: string; children?: unknown[] }) => {
    if ((node.type === "link" || node.type === "image" || node.type === "definition") && node.url)
      targets.push(node.url);
    for (const child of node.children ?? []) visit(child as typeof node);
  };
  visit(tree);
  // Browsers drop tabs, newlines and spaces from a URL before reading its scheme.
  return targets.map((raw) => ({
    raw,
    scheme: raw
      .replace(/[\p{Cc} ]/gu, "")
      .toLowerCase()
      .replace(/:.*$/, ":"),
  }));
}

const DANGEROUS_SCHEMES = ["javascript:", "vbscript:", "data:"];

/** What a page holds after its scripts (if any) had their chance to run. */
interface PageState {
  flag: unknown;
  scripts: number;
  /** Elements that can run or load code: frames, objects, embeds, bases, forms, refreshes. */
  active: string[];
  /** Event-handler attributes, dangerous URLs, and markers in attributes that are not plain text. */
  attributes: string[];
  /** Style elements whose CSS contains a marker (a breakout into CSS). */
  styles: number;
  text: string;
}

// Runs in the page; a string because the test's TypeScript has no DOM types.
const INSPECT_PAGE = `(() => {
  const marker = new RegExp(${JSON.stringify(MARKER_PATTERN.source)});
  const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href", "background", "poster", "srcdoc"];
  // Attributes a browser only ever shows or reads aloud: escaped workspace text belongs there.
  const textAttributes = ["alt", "title", "aria-label"];
  const attributes = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (
        /^on/i.test(attribute.name) ||
        (marker.test(attribute.value) && !textAttributes.includes(attribute.name.toLowerCase())) ||
        (urlAttributes.includes(attribute.name.toLowerCase()) && /^(javascript|vbscript|data:text)/.test(value))
      ) attributes.push("<" + element.localName + " " + attribute.name + "=" + JSON.stringify(attribute.value) + ">");
    }
  }
  return {
    flag: window.__xss ?? null,
    scripts: document.querySelectorAll("script").length,
    active: [...document.querySelectorAll("iframe, frame, object, embed, base, form, meta[http-equiv]")]
      .filter((e) => e.localName !== "meta" || /refresh/i.test(e.getAttribute("http-equiv") ?? ""))
      .map((e) => e.outerHTML.slice(0, 200)),
    attributes,
    styles: [...document.querySelectorAll("style")].filter((s) => marker.test(s.textContent ?? "")).length,
    text: document.body ? document.body.textContent : "",
  };
})()`;

/** Loads HTML with JavaScript on, gives any payload time to fire, and reports what happened. */
async function loadAndInspect(
  page: Page,
  html: string,
  settleMs = 300,
): Promise<PageState & { dialogs: string[]; requests: string[] }> {
  const dialogs: string[] = [];
  const requests: string[] = [];
  const onDialog = (dialog: Dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  };
  const onRequest = (request: Request) => {
    requests.push(request.url());
  };
  page.on("dialog", onDialog);
  page.on("request", onRequest);
  try {
    await page.setContent(html, { waitUntil: "load" });
    // Handlers such as onerror, onfocus and ontoggle fire after load; give them a moment.
    await page.waitForTimeout(settleMs);
    const state = (await page.evaluate(INSPECT_PAGE)) as PageState;
    return { ...state, dialogs, requests };
  } finally {
    page.off("dialog", onDialog);
    page.off("request", onRequest);
  }
}

describe("XSS payloads planted in the reference workspace", () => {
  const browser = sharedBrowser();
  let cleanup: (() => Promise<void>) | undefined;
  let planted: Planted[] = [];
  let rendered: RenderedReport[] = [];
  const shownInHtml = new Set<string>();

  beforeAll(async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    cleanup = copy.cleanup;
    planted = await plant(copy.dir);
    const { reports } = await computeTenant(copy.dir);
    rendered = [];
    for (const report of reports) rendered.push(await renderReport(report));
  }, 120_000);

  afterAll(async () => {
    await cleanup?.();
  });

  it("has at least 30 distinct payloads, each carrying its marker", () => {
    const texts = XSS_PAYLOADS.map((p, i) => p.make(marker("x", i)));
    expect(new Set(texts).size).toBe(XSS_PAYLOADS.length);
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(30);
    texts.forEach((text, i) => {
      expect(text).toContain(marker("x", i));
    });
  });

  it("page checks catch each payload when it is not escaped (control)", async () => {
    // Payloads aimed at other parsers (Markdown, XML, double decoding, old IE) are inert as raw
    // HTML in Chromium; every other one must trip at least one check, or the checks prove nothing.
    const otherContexts = new Set([
      "CDATA section",
      "pre-escaped entities",
      "percent-encoded script",
      "null byte inside the tag name",
      // Live only once a naive filter strips the inner tag; raw, its tag name is "scr<script".
      "nested broken tag",
    ]);
    const live = XSS_PAYLOADS.map((payload, i) => ({ payload, m: marker("c", i) })).filter(
      ({ payload }) => payload.markdownSyntax !== true && !otherContexts.has(payload.name),
    );
    // One page, reloaded per payload; each is judged by its own marker and the DOM it built.
    const states = await withOfflinePage(browser(), { width: 800, height: 600 }, async (page) => {
      const found: PageState[] = [];
      for (const { payload, m } of live) {
        const raw = payload.make(m);
        found.push(
          await loadAndInspect(
            page,
            `<!doctype html><html><body><div title="${raw}">${raw}</div></body></html>`,
            100,
          ),
        );
      }
      return found;
    });
    const undetected = live
      .filter(({ m }, i) => {
        const state = states[i];
        return (
          state === undefined ||
          (state.flag !== m &&
            state.scripts === 0 &&
            state.active.length === 0 &&
            state.attributes.length === 0 &&
            state.styles === 0)
        );
      })
      .map(({ payload }) => payload.name);
    // JavaScript is on and `run` works: the plainest payloads set their own marker.
    for (const name of ["script tag", "img onerror", "svg onload"]) {
      const i = live.findIndex(({ payload }) => payload.name === name);
      expect(states[i]?.flag, name).toBe(live[i]?.m);
    }
    expect(undetected).toEqual([]);
  }, 60_000);

  it("renders all eight reports", () => {
    expect(rendered.map((r) => r.document.role)).toEqual([...PORTFOLIO_ROLES]);
  });

  it("carries every planted payload into the Markdown, the text and the HTML", () => {
    const all = (pick: (r: RenderedReport) => string) => rendered.map(pick).join("\n");
    const outputs = {
      markdown: all((r) => r.markdown),
      text: all((r) => r.text),
      html: all((r) => r.html),
    };
    for (const [format, output] of Object.entries(outputs)) {
      const missing = planted.filter((p) => !output.includes(p.marker)).map((p) => p.marker);
      expect(missing, `${format} lacks these planted payloads`).toEqual([]);
    }
  });

  it.each([...PORTFOLIO_ROLES])(
    "%s Markdown: every payload tag escaped, no link to a script",
    (role) => {
      const report = rendered.find((r) => r.document.role === role);
      expect(report).toBeDefined();
      const markdown = report?.markdown ?? "";
      // The renderer's own section anchors are the only raw HTML it writes.
      const withoutAnchors = markdown.replace(/^<a id="[a-z0-9-]+"><\/a>$/gm, "");
      const rawTags = withoutAnchors.split("\n").filter((line) => line.includes("<"));
      expect(rawTags).toEqual([]);
      const dangerous = markdownLinkTargets(markdown)
        .filter((t) => DANGEROUS_SCHEMES.includes(t.scheme))
        .map((t) => t.raw);
      expect(dangerous).toEqual([]);
    },
  );

  it.each([...PORTFOLIO_ROLES])("%s text: payloads literal, lines within 72 columns", (role) => {
    const report = rendered.find((r) => r.document.role === role);
    const text = report?.text ?? "";
    const long = text
      .split("\n")
      .filter((line) => [...line].length > TEXT_WIDTH && /\s/.test(line.trim()));
    expect(long).toEqual([]);
    expect(text).not.toMatch(/[\p{Cc}\u2028\u2029](?<!\n)/u);
  });

  it("text shows each verbatim payload exactly as written", () => {
    const text = flatten(rendered.map((r) => r.text).join("\n"));
    const altered = planted.filter((p) => p.verbatim && !text.includes(flatten(p.text)));
    expect(altered.map((p) => p.marker)).toEqual([]);
  });

  it.each([...PORTFOLIO_ROLES])(
    "%s HTML email: no payload runs in Chromium and each shows as plain text",
    async (role) => {
      const report = rendered.find((r) => r.document.role === role);
      expect(report).toBeDefined();
      const html = report?.html ?? "";
      const state = await withOfflinePage(browser(), { width: 1200, height: 800 }, (page) =>
        loadAndInspect(page, html),
      );
      expect(state.flag).toBeNull();
      expect(state.dialogs).toEqual([]);
      expect(state.scripts).toBe(0);
      expect(state.active).toEqual([]);
      expect(state.attributes).toEqual([]);
      expect(state.styles).toBe(0);
      // Markers are plain letters, so a request a payload made shows its marker in the URL as is.
      expect(state.requests.filter((url) => MARKER_PATTERN.test(url))).toEqual([]);
      // What the reader sees is the payload's own text (NUL is dropped by every HTML parser).
      const seen = flatten(state.text);
      const shown = planted.filter(
        (p) => p.verbatim && html.includes(p.marker) && !p.text.includes("\u0000"),
      );
      for (const p of shown) shownInHtml.add(p.marker);
      expect(shown.filter((p) => !seen.includes(flatten(p.text))).map((p) => p.marker)).toEqual([]);
    },
  );

  // Runs after the per-report HTML tests above (Vitest runs a file's tests in order).
  it("HTML emails together show every verbatim payload as text", () => {
    const expected = planted.filter((p) => p.verbatim && !p.text.includes("\u0000"));
    expect(expected.length).toBeGreaterThan(XSS_PAYLOADS.length);
    expect(expected.filter((p) => !shownInHtml.has(p.marker)).map((p) => p.marker)).toEqual([]);
  });

  it("chart SVGs (archive and dashboard) keep planted names as text", async () => {
    const charts = rendered.flatMap((r) => r.charts).filter((c) => MARKER_PATTERN.test(c.svg));
    // The renamed entity has cloud spend, so at least one chart carries a payload.
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      const state = await withOfflinePage(browser(), { width: 800, height: 600 }, (page) =>
        loadAndInspect(page, `<!doctype html><html><body>${chart.svg}</body></html>`),
      );
      expect(state.flag, chart.fileName).toBeNull();
      expect(state.scripts, chart.fileName).toBe(0);
      expect(state.attributes, chart.fileName).toEqual([]);
      expect(state.active, chart.fileName).toEqual([]);
    }
  });
});
