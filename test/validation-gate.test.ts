import { existsSync } from "node:fs";
import { appendFile, readdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyWorkspace, PORTFOLIO, runCli } from "./helpers/cli.js";

// The gate through the command line: the reference portfolio passes; a stale source, an oversize
// email or a role without a report exits 3 with the problem and its fix on stderr, and preview
// writes nothing. A downgraded gate warns, and the summary says it was downgraded.

interface Validation {
  ok: boolean;
  problems: { gate: string; report: string | null; message: string; fix: string }[];
  warnings: { gate: string }[];
  downgraded: string[];
}
interface Summary {
  validation: { ok: boolean; problems: number; warnings: number; downgraded: string[] };
  tenants: {
    id: string;
    validation: Validation;
    reports: { id: string; validation: Validation }[];
  }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A copy of the portfolio with `yaml` appended to its exec-intel.yaml. */
async function workspaceWith(yaml: string): Promise<string> {
  const { dir, cleanup } = await copyWorkspace(PORTFOLIO);
  cleanups.push(cleanup);
  await appendFile(path.join(dir, "exec-intel.yaml"), `\n${yaml}\n`);
  return dir;
}

const dryRun = (workspace: string) =>
  runCli(["run", "-w", workspace, "--period", "2026-10", "--dry-run", "--json"]);

describe("the validation gate on the command line", () => {
  it("passes the reference portfolio with zero problems", async () => {
    const result = await dryRun(PORTFOLIO);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary.validation).toEqual({ ok: true, problems: 0, warnings: 0, downgraded: [] });
    for (const tenant of summary.tenants) {
      expect(tenant.validation.problems).toEqual([]);
      for (const report of tenant.reports) expect(report.validation.ok).toBe(true);
    }
  });

  it("blocks a source older than the configured threshold, and preview writes nothing", async () => {
    // The handoff notes end 2026-10-20, 11 days before the end of October.
    const workspace = await workspaceWith("validation:\n  freshness: { blockAfterDays: 10 }");
    const result = await dryRun(workspace);
    expect(result.code).toBe(3);
    const summary = JSON.parse(result.stdout) as Summary;
    const portfolio = summary.tenants.find((t) => t.id === "portfolio");
    expect(portfolio?.validation.problems).toEqual([
      {
        gate: "freshness",
        report: null,
        section: null,
        message:
          "source handoffs (handoffs) ends 2026-10-20, 11 days before the end of 2026-10 (block after 10 days)",
        fix: "export fresh handoffs data covering 2026-10, or raise validation.freshness.blockAfterDays",
      },
    ]);
    expect(result.stderr).toContain("error: freshness: source handoffs (handoffs) ends 2026-10-20");
    expect(result.stderr).toContain("gate: blocked by 1 problem(s)");

    const out = path.join(workspace, "preview-out");
    const preview = await runCli([
      "preview",
      "-w",
      workspace,
      "--period",
      "2026-10",
      "--no-pdf",
      "--out",
      out,
    ]);
    expect(preview.code).toBe(3);
    expect(preview.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("blocks an email over the HTML limit, and a downgrade turns it into a listed warning", async () => {
    const limited = await workspaceWith("validation:\n  limits: { htmlBytes: 80000 }");
    const blocked = await dryRun(limited);
    expect(blocked.code).toBe(3);
    const summary = JSON.parse(blocked.stdout) as Summary;
    const oversize = summary.tenants
      .flatMap((t) => t.reports)
      .filter((r) => !r.validation.ok)
      .map((r) => r.id);
    // The three longest reports of the reference portfolio are 83–100 KB; the others are under 72 KB.
    expect(oversize.sort()).toEqual([
      "portfolio/2026-10/accounting",
      "portfolio/2026-10/ceo",
      "portfolio/2026-10/cto",
    ]);
    expect(blocked.stderr).toMatch(
      /limits: portfolio\/2026-10\/ceo: the HTML is \d+\.\d KB, over the 78\.1 KB/,
    );

    const downgraded = await workspaceWith(
      "validation:\n  limits: { htmlBytes: 80000 }\n  downgrade: [limits]",
    );
    const warned = await dryRun(downgraded);
    expect(warned.code, warned.stderr).toBe(0);
    const warnedSummary = JSON.parse(warned.stdout) as Summary;
    expect(warnedSummary.validation).toMatchObject({ ok: true, problems: 0, warnings: 3 });
    expect(warnedSummary.validation.downgraded).toEqual(["limits"]);
    expect(warned.stderr).toContain("gate: portfolio: downgraded to warnings: limits");
  });

  it("blocks a role whose report has nothing to show", async () => {
    const { dir, cleanup } = await copyWorkspace(PORTFOLIO);
    cleanups.push(cleanup);
    const config = path.join(dir, "exec-intel.yaml");
    const { readFile, writeFile } = await import("node:fs/promises");
    const text = await readFile(config, "utf8");
    // Without its rental source, the property manager's report has no records to draw on.
    const rentalSource =
      "      - id: rental\n        type: rental\n        path: data/rental\n        entity: 3028-51st-st\n";
    expect(text).toContain(rentalSource);
    await writeFile(config, text.replace(rentalSource, ""));
    const result = await dryRun(dir);
    expect(result.code).toBe(3);
    const line = result.stderr.split("\n").find((l) => l.includes("coverage:"));
    expect(line).toContain("property-manager");
    expect(line).toContain("the report shows no figures");
  });

  it("`validate --reports` runs the gate as well", async () => {
    const workspace = await workspaceWith("validation:\n  freshness: { blockAfterDays: 10 }");
    const result = await runCli(["validate", "-w", workspace, "--period", "2026-10", "--reports"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("error: freshness: source handoffs");
    const clean = await runCli(["validate", "-w", PORTFOLIO, "--period", "2026-10", "--reports"]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).toContain("gate: passed (9 report(s), 2 tenant(s))");
    expect(await readdir(workspace)).not.toContain(".exec-intel");
  });
});
