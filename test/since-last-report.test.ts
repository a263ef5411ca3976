import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openAnnotationStore } from "../src/adapters/store/session-store.js";
import { makeTempDir, portfolioCopies, runCli } from "./helpers/cli.js";
import { sectionText } from "./helpers/mutate.js";

// The follow-up loop across two months on a copy of the reference portfolio: September is run
// (gated, archived, tasks made, snapshot kept), then October's reports say what changed since
// September's, which tasks are overdue, and compare figures with what September's report said.

const workspace = portfolioCopies();

interface Rendered {
  sections: { id: string; blocks: unknown[] }[];
}

describe("since last report, September then October", () => {
  let dir: string;
  let out: string;

  beforeAll(async () => {
    dir = await workspace();
    const september = await runCli(["run", "-w", dir, "--period", "2026-09"]);
    expect(september.code, september.stderr).toBe(0);
    // A note the bookkeeper left on September's billing report (the dashboard stores it so).
    const notes = openAnnotationStore(path.join(dir, ".exec-intel", "state.sqlite"));
    notes.add({
      tenant: "portfolio",
      period: "2026-09",
      role: "billing",
      section: "receivables",
      author: "priya.natarajan@example.com",
      via: "dashboard",
      text: "Harborview promised to pay DC-1014 by October 15",
      at: "2026-10-02T09:00:00.000Z",
    });
    notes.close();
    const temp = await makeTempDir();
    out = temp.dir;
    const october = await runCli([
      "preview",
      "-w",
      dir,
      "--period",
      "2026-10",
      "--no-pdf",
      "--out",
      out,
    ]);
    expect(october.code, october.stderr).toBe(0);
    return temp.cleanup;
  }, 180_000);

  const markdown = (role: string) =>
    readFile(path.join(out, "portfolio", "2026-10", `${role}-report.md`), "utf8");
  const document = async (role: string) =>
    JSON.parse(
      await readFile(path.join(out, "portfolio", "2026-10", `${role}-report.json`), "utf8"),
    ) as Rendered;
  const since = (md: string) =>
    md.slice(
      md.indexOf("## Since last report"),
      md.indexOf("<a id=", md.indexOf("## Since last report")),
    );

  it("places the section right after the summary in every report", async () => {
    for (const role of ["ceo", "cto", "billing", "property-manager"]) {
      const ids = (await document(role)).sections.map((s) => s.id);
      expect(ids.slice(0, 2), role).toEqual(["summary", "since-last-report"]);
    }
  });

  it("lists the CEO's new and resolved findings against September's report", async () => {
    const text = since(await markdown("ceo"));
    expect(text).toContain(
      "Since the September 2026 report: 1 new finding, 1 finding no longer raised by the data, 18 still open.",
    );
    expect(text).toMatch(
      /\| Empty sales pipeline — no open inquiries or quotes, nothing booked after 2026-11-14 \| critical \| new \|/,
    );
    expect(text).toMatch(
      /\| QuickDumpNow: \$356\.25 received for service after 2026-09-30 is booked as income \| medium \| resolved in data \|/,
    );
  });

  it("compares figures with the values September's report showed", async () => {
    const text = since(await markdown("billing"));
    expect(text).toContain("| Accounts receivable at 2026-10-31 | $5,100 | $6,300 | +$1,200 | — |");
    expect(text).toContain(
      "| Hours unbilled, Nov 2025–Oct 2026 | 29.5 hours | 34.5 hours | +5 hours | — |",
    );
  });

  it("shows September's tasks that fell due in October, with the finding's current wording", async () => {
    const text = since(await markdown("billing"));
    expect(text).toContain(
      "Follow-up tasks (this role's): 1 open, 1 of them due by 2026-10-31; 0 done since the last report.",
    );
    // The task was made in September ("overdue by 62 days"); October's data says 93.
    expect(text).toContain(
      "DC-1014 to Harborview Dental: $1,800 overdue by 93 days (billing, due 2026-10-18, open)",
    );
    const ceo = since(await markdown("ceo"));
    expect(ceo).toContain("Follow-up tasks (every role's): 19 open, 10 of them due by 2026-10-31");
  });

  it("quotes the notes left on September's report in October's", async () => {
    const text = since(await markdown("billing"));
    expect(text).toContain(
      "| priya.natarajan@example.com | billing#receivables | dashboard | Harborview promised to pay DC-1014 by October 15 |",
    );
    expect(since(await markdown("cto"))).not.toContain("Harborview promised");
  });

  it("reports a task marked done since September's run as done", async () => {
    const moved = await runCli([
      "task",
      "portfolio/T-1",
      "-w",
      dir,
      "--status",
      "done",
      "--by",
      "sam.okafor@example.com",
    ]);
    expect(moved.code, moved.stderr).toBe(0);
    const temp = await makeTempDir();
    try {
      const again = await runCli([
        "preview",
        "-w",
        dir,
        "--period",
        "2026-10",
        "--report",
        "cto",
        "--no-pdf",
        "--out",
        temp.dir,
      ]);
      expect(again.code, again.stderr).toBe(0);
      const cto = await readFile(
        path.join(temp.dir, "portfolio", "2026-10", "cto-report.json"),
        "utf8",
      );
      const section = sectionText(JSON.parse(cto), "since-last-report");
      expect(section).toContain("1 done since the last report");
      expect(section).toContain('"status":"done"');
    } finally {
      await temp.cleanup();
    }
  });
});
