import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/adapters/render/render-report.js";
import { type ScanItem, scanSecrets } from "../../src/adapters/secrets/secret-scanner.js";
import type { TenantConfig } from "../../src/core/config.js";
import { credentialsGate } from "../../src/core/validate/credentials.js";
import { redactSecrets } from "../../src/core/validate/redact.js";
import type { GateInput, SecretHit } from "../../src/core/validate/types.js";
import { copyWorkspace, makeTempDir, PORTFOLIO, runCli } from "../helpers/cli.js";
import { computeTenant } from "../helpers/pipeline.js";
import { type Planting, plantSecrets } from "./plant.js";
import { PLANTED } from "./planted.js";

// Issue 5's planted-secrets corpus: 40+ credentials in their real formats are planted in the
// handoff notes, bank-export descriptions and registry fields of a copy of the reference
// portfolio. Every planted value that reaches any rendition must be found by the scanner (so the
// gate blocks), and what the CLI prints must hold none of them, in any encoding.

/** Every rendition the gate scans, for each report of a workspace (charts as SVG). */
async function renderedOutputs(workspace: string): Promise<ScanItem[]> {
  const { reports } = await computeTenant(workspace);
  const items: ScanItem[] = [];
  for (const document of reports) {
    const rendered = await renderReport(document);
    const item = (output: string, text: string) => ({ report: document.id, output, text });
    items.push(
      item("subject", document.subject),
      item("html", rendered.html),
      item("text", rendered.text),
      item("markdown", rendered.markdown),
      item("json", rendered.json),
      ...rendered.charts.map((c) => item(c.fileName.replace(/\.png$/, ".svg"), c.svg)),
    );
  }
  return items;
}

/**
 * The secret pieces of a planted value, which a rendition could carry on their own: renderers
 * collapse a PEM block's line breaks and wrap long lines, so its 64-character body lines are
 * looked for one by one (framing such as `"private_key":` or `-----BEGIN` is no secret).
 */
function fragments(value: string): string[] {
  return value
    .split(/\s+|\\n/)
    .filter((piece) => piece.length >= 12 && /[0-9]/.test(piece) && /[A-Za-z]/.test(piece));
}

/** Base64 of a value at each of the three byte alignments it can take inside a longer stream. */
function base64Spellings(value: string): string[] {
  return [0, 1, 2].map((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), Buffer.from(value)]).toString("base64");
    // Characters that mix in padding or neighbouring bytes are not part of every encoding.
    const tail = (shift + Buffer.byteLength(value)) % 3 === 0 ? 0 : 4;
    return encoded.slice(shift === 0 ? 0 : 4, encoded.length - tail);
  });
}

/** Quoted-printable of a value (RFC 2045): `=` and non-ASCII become `=XX`. */
function quotedPrintable(value: string): string {
  return [...Buffer.from(value)]
    .map((byte) =>
      byte === 0x3d || byte > 0x7e
        ? `=${byte.toString(16).toUpperCase()}`
        : String.fromCharCode(byte),
    )
    .join("");
}

/** Every spelling of a planted value that must not be printed. */
function forbidden(value: string): string[] {
  return fragments(value).flatMap((piece) => [
    piece,
    ...base64Spellings(piece),
    quotedPrintable(piece),
  ]);
}

describe("planted-secrets corpus", () => {
  let workspace: { dir: string; cleanup: () => Promise<void> };
  let plantings: Planting[];
  let outputs: ScanItem[];
  let hits: SecretHit[];
  let reached: Planting[];

  beforeAll(async () => {
    workspace = await copyWorkspace(PORTFOLIO);
    plantings = await plantSecrets(workspace.dir, PLANTED);
    outputs = await renderedOutputs(workspace.dir);
    hits = await scanSecrets(outputs);
    reached = plantings.filter(({ secret }) =>
      outputs.some((o) => fragments(secret.value).some((piece) => o.text.includes(piece))),
    );
  }, 120_000);

  afterAll(async () => {
    await workspace?.cleanup();
  });

  it("holds at least 40 distinct credentials in real formats", () => {
    expect(PLANTED.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PLANTED.map((s) => s.value)).size).toBe(PLANTED.length);
    expect(plantings).toHaveLength(PLANTED.length);
  });

  it("gets most of them into the rendered reports, from all three kinds of source", () => {
    const files = new Set(reached.map((p) => p.file));
    console.info(
      `planted secrets: ${reached.length} of ${plantings.length} reach a rendered output ` +
        `(${[...files].length} source files); ${hits.length} hits in ${outputs.length} outputs`,
    );
    expect(reached.length).toBeGreaterThanOrEqual(30);
    expect([...files].some((f) => f.startsWith("data/handoffs/"))).toBe(true);
    expect(files).toContain("data/ledger/jada-checking.csv");
    expect(files).toContain("data/registry.yaml");
  });

  it("finds every planted value in every output it reaches: redacting the hits leaves nothing", () => {
    const leaks: string[] = [];
    for (const output of outputs) {
      const mine = hits.filter((h) => h.report === output.report && h.output === output.output);
      const redacted = redactSecrets(output.text, mine);
      for (const { secret } of reached) {
        if (fragments(secret.value).some((piece) => redacted.includes(piece)))
          leaks.push(`${secret.kind} in ${output.report} ${output.output}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("blocks through the credentials gate with one masked problem per secret and report", () => {
    const problems = credentialsGate({
      tenant: { id: "portfolio", roles: {} } as unknown as TenantConfig,
      period: "2026-10",
      sources: [],
      reports: [],
      secrets: hits,
      settings: {
        downgrade: [],
        allowSecrets: [],
        sourceBlockAfterDays: {},
        limits: { htmlBytes: 1, messageBytes: 1, subjectChars: 1, recipients: 1 },
      },
    } satisfies GateInput);
    expect(problems.length).toBeGreaterThanOrEqual(reached.length);
    const printed = JSON.stringify(problems);
    for (const { secret } of plantings)
      for (const piece of fragments(secret.value)) expect(printed).not.toContain(piece);
    for (const hit of hits) expect(printed).toContain(hit.fingerprint);
  });

  describe("through the CLI", () => {
    let run: Awaited<ReturnType<typeof runCli>>;
    let preview: Awaited<ReturnType<typeof runCli>>;
    let previewDir: { dir: string; cleanup: () => Promise<void> };

    beforeAll(async () => {
      run = await runCli([
        "run",
        "-w",
        workspace.dir,
        "--period",
        "2026-10",
        "--dry-run",
        "--json",
      ]);
      previewDir = await makeTempDir();
      preview = await runCli([
        "preview",
        "-w",
        workspace.dir,
        "--period",
        "2026-10",
        "--no-pdf",
        "--out",
        path.join(previewDir.dir, "out"),
      ]);
    }, 180_000);

    afterAll(async () => {
      await previewDir?.cleanup();
    });

    it("exits 3 on `run --dry-run --json` and on `preview`, and writes no preview", async () => {
      expect(run.code, run.stderr.slice(0, 2000)).toBe(3);
      expect(preview.code, preview.stderr.slice(0, 2000)).toBe(3);
      expect(await readdir(previewDir.dir)).toEqual([]);
    });

    it("prints no planted value, nor its base64 or quoted-printable spelling", () => {
      const printed = [run.stdout, run.stderr, preview.stdout, preview.stderr];
      // MIME folds long lines; unfolded copies catch a value split across a line break.
      const unfolded = printed.map((p) => p.replace(/=?\r?\n/g, ""));
      const leaks = plantings.flatMap(({ secret }) =>
        forbidden(secret.value)
          .filter((spelling) => [...printed, ...unfolded].some((p) => p.includes(spelling)))
          .map(() => secret.kind),
      );
      expect([...new Set(leaks)]).toEqual([]);
    });

    it("prints nothing the scanner would call a credential", async () => {
      const printed = await scanSecrets([
        { report: "log", output: "run stdout", text: run.stdout },
        { report: "log", output: "run stderr", text: run.stderr },
        { report: "log", output: "preview stdout", text: preview.stdout },
        { report: "log", output: "preview stderr", text: preview.stderr },
      ]);
      expect(printed.map((h) => `${h.output}:${h.line} ${h.kind} ${h.fingerprint}`)).toEqual([]);
    });

    it("names every credential by its masked fingerprint in the gate's problems", () => {
      const summary = JSON.parse(run.stdout) as {
        validation: { ok: boolean };
        tenants: { id: string; validation: { problems: { gate: string; message: string }[] } }[];
      };
      expect(summary.validation.ok).toBe(false);
      const portfolio = summary.tenants.find((t) => t.id === "portfolio");
      const credentials = (portfolio?.validation.problems ?? []).filter(
        (p) => p.gate === "credentials",
      );
      const fingerprints = new Set(hits.map((h) => h.fingerprint));
      expect(credentials.length).toBeGreaterThanOrEqual(reached.length);
      const messages = credentials.map((p) => p.message).join("\n");
      for (const fingerprint of fingerprints) {
        expect(messages).toContain(fingerprint);
        expect(run.stderr).toContain(fingerprint);
        expect(preview.stderr).toContain(fingerprint);
      }
    });
  });
});

describe("the reference portfolio", () => {
  it("holds no credential in any rendition, and scans in well under a second", async () => {
    const outputs = await renderedOutputs(PORTFOLIO);
    await scanSecrets(outputs.slice(0, 1));
    const started = performance.now();
    const hits = await scanSecrets(outputs);
    const elapsed = performance.now() - started;
    const bytes = outputs.reduce((n, o) => n + Buffer.byteLength(o.text), 0);
    console.info(
      `secret scan: ${outputs.length} outputs, ${(bytes / 1024).toFixed(0)} KB in ${elapsed.toFixed(0)} ms`,
    );
    expect(hits.map((h) => `${h.report} ${h.output}:${h.line} ${h.kind}`)).toEqual([]);
    expect(outputs.length).toBeGreaterThanOrEqual(25);
    expect(elapsed).toBeLessThan(1000);
  }, 60_000);
});
