import { appendFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { portfolioCopies, runCli } from "./helpers/cli.js";
import { replaceIn } from "./helpers/mutate.js";

// Findings become tasks through `exec-intel run` on a copy of the reference portfolio: created
// once, unchanged by a re-run, moved by a person with `exec-intel task`, resolved in data when
// the data no longer raises the finding, each change logged; one tenant never sees another's.

const workspace = portfolioCopies();

interface TaskChangeLine {
  change: string;
  id: string;
  status: string;
  finding: string;
  title: string;
  owner: string;
  severity: string;
  due: string;
  report: string;
  section: string;
}

interface Summary {
  runId: string;
  tenants: { id: string; findings: { id: string; severity: string }[] }[];
  tasks: { tenant: string; open: number; changes: TaskChangeLine[] }[];
}

async function run(dir: string, ...extra: string[]): Promise<Summary> {
  const result = await runCli(["run", "-w", dir, "--period", "2026-10", "--json", ...extra]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Summary;
}

const OVERDUE = "billing-overdue-invoice:DC-1014";

describe("tasks from findings", () => {
  let dir: string;
  let first: Summary;
  let second: Summary;

  beforeAll(async () => {
    dir = await workspace();
    first = await run(dir);
    second = await run(dir);
  }, 120_000);

  it("makes one task per critical or high finding that a report shows, linked to its section", () => {
    const portfolio = first.tasks.find((t) => t.tenant === "portfolio");
    const urgent = first.tenants
      .find((t) => t.id === "portfolio")
      ?.findings.filter((f) => f.severity === "critical" || f.severity === "high");
    // 22 critical or high findings; the agenda counts the two that quote the same handoff line
    // (the funnel breaking at tier selection: a critical shortfall and a UX gap) once.
    expect(urgent).toHaveLength(22);
    expect(portfolio?.changes).toHaveLength(21);
    expect(portfolio?.changes.every((c) => c.change === "create" && c.status === "open")).toBe(
      true,
    );
    expect(portfolio?.changes.map((c) => c.id)).toEqual(
      Array.from({ length: 21 }, (_, i) => `T-${i + 1}`),
    );
    expect(portfolio?.changes[0]).toMatchObject({
      severity: "critical",
      owner: "cto",
      due: "2026-11-03",
      report: "portfolio/2026-10/cto",
      section: "security-gaps",
    });
    expect(portfolio?.changes.find((c) => c.finding === OVERDUE)).toMatchObject({
      owner: "billing",
      report: "portfolio/2026-10/billing",
      section: "receivables",
    });
    expect(first.tasks.find((t) => t.tenant === "harbor-bakery")).toEqual({
      tenant: "harbor-bakery",
      open: 0,
      changes: [],
    });
  });

  it("changes nothing when the same period runs again", () => {
    expect(second.tasks.find((t) => t.tenant === "portfolio")).toEqual({
      tenant: "portfolio",
      open: 21,
      changes: [],
    });
  });

  it("lets a person move a task, logs it, and keeps tenants apart", async () => {
    const moved = await runCli([
      "task",
      "portfolio/T-1",
      "-w",
      dir,
      "--status",
      "doing",
      "--by",
      "sam.okafor@example.com",
      "--note",
      "rotating the keys",
    ]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain("portfolio/T-1 doing:");
    expect(moved.stdout).toMatch(
      /sam\.okafor@example\.com {2}status open → doing \(rotating the keys\)/,
    );
    const doing = await runCli(["tasks", "-w", dir, "--status", "doing", "--json"]);
    expect(JSON.parse(doing.stdout).map((t: { id: string }) => t.id)).toEqual(["T-1"]);
    const foreign = await runCli(["task", "harbor-bakery/T-1", "-w", dir]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("tenant harbor-bakery has no task T-1");
    const bad = await runCli(["task", "portfolio/T-2", "-w", dir, "--status", "finished"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("use one of: open, doing, done, wont-do");
  });

  it("resolves a task in data once the invoice is paid, and reopens it when the data says so again", async () => {
    const id = first.tasks
      .find((t) => t.tenant === "portfolio")
      ?.changes.find((c) => c.finding === OVERDUE)?.id;
    expect(id).toBeDefined();
    await replaceIn(
      dir,
      "data/billing/invoices.csv",
      "DC-1014,harborview-dental,2026-06-30,2026-07-30,1800.00,sent",
      "DC-1014,harborview-dental,2026-06-30,2026-07-30,1800.00,paid",
    );
    await appendFile(
      `${dir}/data/billing/payments.csv`,
      "2026-10-15,DC-1014,harborview-dental,1800.00,ach,ACH CREDIT HARBORVIEW DENTAL PPD\n",
    );
    const paid = await run(dir);
    const changes = paid.tasks.find((t) => t.tenant === "portfolio")?.changes ?? [];
    expect(changes.filter((c) => c.change === "resolve").map((c) => [c.id, c.status])).toEqual([
      [id, "resolved-in-data"],
    ]);
    await replaceIn(
      dir,
      "data/billing/invoices.csv",
      "DC-1014,harborview-dental,2026-06-30,2026-07-30,1800.00,paid",
      "DC-1014,harborview-dental,2026-06-30,2026-07-30,1800.00,sent",
    );
    await replaceIn(
      dir,
      "data/billing/payments.csv",
      "2026-10-15,DC-1014,harborview-dental,1800.00,ach,ACH CREDIT HARBORVIEW DENTAL PPD\n",
      "",
    );
    const again = await run(dir);
    const reopened = again.tasks.find((t) => t.tenant === "portfolio")?.changes ?? [];
    // The other tasks only move in due date as the invoice leaves and re-enters the ranking.
    expect(
      reopened.filter((c) => c.change !== "refresh").map((c) => [c.change, c.id, c.status]),
    ).toEqual([["reopen", id, "open"]]);
    const log = await runCli(["task", `portfolio/${id}`, "-w", dir, "--json"]);
    const { events } = JSON.parse(log.stdout) as { events: { action: string; actor: string }[] };
    expect(events.map((e) => e.action)).toEqual(["created", "resolved-in-data", "reopened"]);
    expect(events.every((e) => e.actor.startsWith("run:"))).toBe(true);
  }, 120_000);
});
