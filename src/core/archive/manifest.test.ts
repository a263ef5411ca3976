import { describe, expect, it } from "vitest";
import type { SourceFreshness } from "../model/index.js";
import type { RenderedChart, RenderedReport } from "../render/rendered.js";
import type { GateVerdict } from "../validate/index.js";
import {
  type ArchivedObject,
  archiveKey,
  buildManifest,
  compareHashes,
  dayFolder,
  isManifestKey,
  type ManifestInput,
  manifestBytes,
  reportFiles,
} from "./manifest.js";

const RUN = "20261121T080000Z-1a2b3c4d";

describe("archive keys", () => {
  it("puts a file in its tenant's day folder", () => {
    expect(dayFolder("acme", "2026-11-21")).toBe("acme/2026-11-21");
    expect(archiveKey("acme", "2026-11-21", "ceo-report.html")).toBe(
      "acme/2026-11-21/ceo-report.html",
    );
  });

  it("inserts the run id before the extension for a later run", () => {
    expect(archiveKey("acme", "2026-11-21", "ceo-report.html", RUN)).toBe(
      "acme/2026-11-21/ceo-report.20261121T080000Z-1a2b3c4d.html",
    );
    expect(archiveKey("acme", "2026-11-21", "manifest.json", "r2")).toBe(
      "acme/2026-11-21/manifest.r2.json",
    );
  });

  it("splits a name with two dots at the last one only", () => {
    expect(archiveKey("t", "2026-01-02", "x.y.png", "r2")).toBe("t/2026-01-02/x.y.r2.png");
    expect(archiveKey("t", "2026-01-02", "x.y.png")).toBe("t/2026-01-02/x.y.png");
  });

  it("appends the run id to a name without an extension", () => {
    expect(archiveKey("t", "2026-01-02", "README", "r1")).toBe("t/2026-01-02/README.r1");
  });
});

describe("isManifestKey", () => {
  it.each([
    "manifest.json",
    "acme/2026-11-21/manifest.json",
    `acme/2026-11-21/manifest.${RUN}.json`,
  ])("%s is a manifest", (key) => {
    expect(isManifestKey(key)).toBe(true);
  });

  it.each([
    "acme/2026-11-21/ceo-report.json",
    "acme/2026-11-21/ceo-report.r2.json",
    "acme/2026-11-21/cfo-manifest.json",
    "acme/2026-11-21/manifest.json.bak",
    "acme/2026-11-21/manifest.png",
    "acme/2026-11-21/manifest.json/ceo-report.html",
  ])("%s is not a manifest", (key) => {
    expect(isManifestKey(key)).toBe(false);
  });
});

const chart = (id: string, png: number[]): RenderedChart => ({
  id,
  title: id,
  svg: "<svg/>",
  png: Uint8Array.from(png),
  width: 600,
  height: 300,
  cid: `cfo-${id}@exec-intel`,
  fileName: `cfo-${id}.png`,
});

/** A CFO rendition with non-ASCII text in every format, so the UTF-8 bytes are not just ASCII. */
function rendered(overrides: Partial<RenderedReport> = {}): RenderedReport {
  return {
    document: {
      id: "acme/2026-10/cfo",
      tenant: { id: "acme", name: "Acme" },
      period: "2026-10",
      role: "cfo",
      title: "CFO report",
      subject: "CFO",
      sources: [],
      sections: [],
    },
    html: "<p>Café</p>",
    text: "Zoë",
    markdown: "# €",
    json: '{"a":1}',
    charts: [chart("burn", [0x89, 0x50]), chart("cash", [1, 2, 3])],
    ...overrides,
  };
}

describe("reportFiles", () => {
  it("archives four text renditions and a PNG per chart, with names and content types", () => {
    const files = reportFiles(rendered());
    expect(files.map(({ body: _, ...rest }) => rest)).toEqual([
      ...(
        [
          ["html", "text/html; charset=utf-8"],
          ["txt", "text/plain; charset=utf-8"],
          ["md", "text/markdown; charset=utf-8"],
          ["json", "application/json"],
        ] as const
      ).map(([format, contentType]) => ({
        name: `cfo-report.${format}`,
        role: "cfo",
        report: "acme/2026-10/cfo",
        format,
        contentType,
      })),
      ...["burn", "cash"].map((id) => ({
        name: `cfo-${id}.png`,
        role: "cfo",
        report: "acme/2026-10/cfo",
        format: "png",
        contentType: "image/png",
      })),
    ]);
  });

  it("stores each rendition as its UTF-8 bytes and each chart's PNG as is", () => {
    const bodies = reportFiles(rendered()).map((f) => [...f.body]);
    expect(bodies).toEqual([
      // <p>Caf é </p>: é is C3 A9
      [0x3c, 0x70, 0x3e, 0x43, 0x61, 0x66, 0xc3, 0xa9, 0x3c, 0x2f, 0x70, 0x3e],
      // Zoë: ë is C3 AB
      [0x5a, 0x6f, 0xc3, 0xab],
      // "# €": € is E2 82 AC
      [0x23, 0x20, 0xe2, 0x82, 0xac],
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d],
      [0x89, 0x50],
      [1, 2, 3],
    ]);
  });

  it("adds the PDF after the text renditions only when one was rendered", () => {
    const pdf = Uint8Array.from([0x25, 0x50, 0x44, 0x46]);
    const files = reportFiles(rendered({ pdf }));
    expect(files.map((f) => f.name)).toEqual([
      "cfo-report.html",
      "cfo-report.txt",
      "cfo-report.md",
      "cfo-report.json",
      "cfo-report.pdf",
      "cfo-burn.png",
      "cfo-cash.png",
    ]);
    const archived = files.find((f) => f.format === "pdf");
    expect(archived?.contentType).toBe("application/pdf");
    expect(archived?.body).toEqual(pdf);
    expect(reportFiles(rendered()).some((f) => f.format === "pdf")).toBe(false);
  });

  it("archives a report without charts as its four renditions", () => {
    expect(reportFiles(rendered({ charts: [] })).map((f) => f.format)).toEqual([
      "html",
      "txt",
      "md",
      "json",
    ]);
  });
});

const sources: SourceFreshness[] = [
  {
    sourceId: "bank",
    type: "ledger",
    records: 12,
    asOf: "2026-10-30",
    ageDays: 1,
    status: "fresh",
  },
  { sourceId: "kpis", type: "kpis", records: 0, status: "empty" },
];

const verdict: GateVerdict = {
  ok: false,
  problems: [
    {
      gate: "coverage",
      report: "acme/2026-10/cfo",
      section: "burn-rate",
      message: "no data",
      fix: "add data",
    },
  ],
  warnings: [{ gate: "freshness", message: "bank is stale", fix: "export again" }],
  downgraded: ["freshness"],
};

const object: ArchivedObject = {
  key: "acme/2026-11-21/cfo-report.html",
  uri: "/archive/acme/2026-11-21/cfo-report.html",
  role: "cfo",
  report: "acme/2026-10/cfo",
  format: "html",
  contentType: "text/html; charset=utf-8",
  bytes: 3,
  sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
};

const input: ManifestInput = {
  runId: RUN,
  toolVersion: "0.1.0",
  workspace: { gitCommit: null, dirty: null },
  generatedAt: "2026-11-21T08:00:00.000Z",
  period: "2026-10",
  tenant: { id: "acme", name: "Acme" },
  archive: { driver: "fs", location: "/archive" },
  sources,
  verdict,
  objects: [object],
  deliveries: [],
  related: ["acme/2026-11-21/manifest.json"],
};

describe("buildManifest", () => {
  it("gives every manifest one shape: absent values become null, gate fixes are dropped", () => {
    expect(buildManifest(input)).toEqual({
      format: "exec-intel/manifest@1",
      runId: RUN,
      tool: { name: "exec-intel", version: "0.1.0" },
      workspace: { gitCommit: null, dirty: null },
      generatedAt: "2026-11-21T08:00:00.000Z",
      period: "2026-10",
      tenant: { id: "acme", name: "Acme" },
      archive: { driver: "fs", location: "/archive" },
      sources: [
        {
          sourceId: "bank",
          type: "ledger",
          records: 12,
          asOf: "2026-10-30",
          ageDays: 1,
          status: "fresh",
        },
        { sourceId: "kpis", type: "kpis", records: 0, asOf: null, ageDays: null, status: "empty" },
      ],
      validation: {
        ok: false,
        problems: [
          {
            gate: "coverage",
            report: "acme/2026-10/cfo",
            section: "burn-rate",
            message: "no data",
          },
        ],
        warnings: [{ gate: "freshness", report: null, section: null, message: "bank is stale" }],
        downgraded: ["freshness"],
      },
      objects: [object],
      deliveries: [],
      deliveryStopped: null,
      related: ["acme/2026-11-21/manifest.json"],
    });
  });

  it("keeps why delivery stopped, and every delivery", () => {
    const delivery = {
      report: "acme/2026-10/cfo",
      recipient: "cfo@example.com",
      status: "sent",
      attempts: 1,
      messageId: "<m1@exec-intel>",
      providerMessageId: null,
      error: null,
      sentNow: true,
    };
    const manifest = buildManifest({
      ...input,
      deliveries: [delivery],
      deliveryStopped: { code: "quota", message: "daily quota reached" },
    });
    expect(manifest.deliveryStopped).toEqual({ code: "quota", message: "daily quota reached" });
    expect(manifest.deliveries).toEqual([delivery]);
  });

  it("copies its lists, so a later change to the input does not change the manifest", () => {
    const objects = [object];
    const related = ["acme/2026-11-21/manifest.json"];
    const manifest = buildManifest({ ...input, objects, related });
    objects.push({ ...object, key: "acme/2026-11-21/other.html" });
    related.push("acme/2026-11-21/manifest.r9.json");
    expect(manifest.objects).toHaveLength(1);
    expect(manifest.related).toEqual(["acme/2026-11-21/manifest.json"]);
  });
});

describe("manifestBytes", () => {
  it("is indented JSON with a final newline that parses back to the manifest", () => {
    const manifest = buildManifest(input);
    const text = new TextDecoder().decode(manifestBytes(manifest));
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.startsWith('{\n  "format": "exec-intel/manifest@1",\n  "runId": ')).toBe(true);
    expect(JSON.parse(text)).toEqual(manifest);
  });
});

describe("compareHashes", () => {
  const listed = [
    { key: "a", sha256: "11" },
    { key: "b", sha256: "22" },
    { key: "c", sha256: "33" },
  ];

  it("finds nothing when every hash matches", () => {
    const actual = new Map([
      ["a", "11"],
      ["b", "22"],
      ["c", "33"],
    ]);
    expect(compareHashes(listed, actual)).toEqual([]);
  });

  it("reports a changed and a missing object, in manifest order, ignoring unlisted keys", () => {
    const actual = new Map<string, string | undefined>([
      ["c", "33"],
      ["a", "ff"],
      ["b", undefined],
      ["extra", "44"],
    ]);
    expect(compareHashes(listed, actual)).toEqual([
      { key: "a", problem: "changed", expected: "11", actual: "ff" },
      { key: "b", problem: "missing", expected: "22", actual: null },
    ]);
  });

  it("counts an object absent from the map as missing", () => {
    expect(compareHashes(listed, new Map([["a", "11"]]))).toEqual([
      { key: "b", problem: "missing", expected: "22", actual: null },
      { key: "c", problem: "missing", expected: "33", actual: null },
    ]);
  });
});
