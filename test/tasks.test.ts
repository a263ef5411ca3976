import { existsSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyTaskWebhookSignature } from "../src/adapters/tasks/webhook.js";
import { portfolioCopies, runCli } from "./helpers/cli.js";
import { replaceIn } from "./helpers/mutate.js";

// Findings become tasks through `exec-intel run` on a copy of the reference portfolio: created
// once, unchanged by a re-run, moved by a person with `exec-intel task`, resolved in data when
// the data no longer raises the finding, each change logged; one tenant never sees another's.
// Changes are posted to a real HTTP server on 127.0.0.1 standing in for the user's board.

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
    // Where to read it: the dashboard's report page and the archived email, at the section (the
    // second run of the day kept its copy under a run-suffixed name).
    expect(moved.stdout).toContain("  dashboard: /t/portfolio/r/2026-10/cto#security-gaps\n");
    expect(moved.stdout).toMatch(
      /\n {2}archived: \S+\/portfolio\/2026-11-21\/cto-report\.\d{8}T\d{6}Z-[0-9a-f]{8}\.html#security-gaps\n/,
    );
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

describe("task changes posted to the tenant's webhook", () => {
  const SECRET = "whsec-test-0123456789";
  let server: Server;
  let url: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      request.on("end", () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/exec?token=t0k3n`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const withWebhook = (yaml: string) =>
    yaml.replace(
      "  - id: portfolio\n    name: Owner Portfolio\n",
      `  - id: portfolio\n    name: Owner Portfolio\n    tasks:\n      webhook: { url: "${url}", secretEnv: TASKS_WEBHOOK_SECRET, baseDelayMs: 1 }\n`,
    );

  it("refuses a run whose webhook secret is not set, before any report is made", async () => {
    const dir = await workspace();
    const config = `${dir}/exec-intel.yaml`;
    const { readFile, writeFile } = await import("node:fs/promises");
    await writeFile(config, withWebhook(await readFile(config, "utf8")));
    const result = await runCli(["run", "-w", dir, "--period", "2026-10"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("tasks.webhook.secretEnv names TASKS_WEBHOOK_SECRET");
    // Refused before the reports were composed: nothing archived, nothing sent (the git scan
    // cache, filled while collecting, is the only state written).
    expect(existsSync(`${dir}/.exec-intel/archive`)).toBe(false);
    expect(existsSync(`${dir}/.exec-intel/outbox`)).toBe(false);
  });

  it("posts every change signed, in order, and a person's status change after it", async () => {
    const dir = await workspace();
    const config = `${dir}/exec-intel.yaml`;
    const { readFile, writeFile } = await import("node:fs/promises");
    await writeFile(config, withWebhook(await readFile(config, "utf8")));
    const env = { TASKS_WEBHOOK_SECRET: SECRET };
    const result = await runCli(["run", "-w", dir, "--period", "2026-10", "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(received).toHaveLength(21);
    for (const { headers, body } of received) {
      expect(
        verifyTaskWebhookSignature(
          SECRET,
          String(headers["x-exec-intel-timestamp"]),
          body,
          headers["x-exec-intel-signature"] as string,
        ),
      ).toBe(true);
    }
    const events = received.map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.task.id)).toEqual(
      Array.from({ length: 21 }, (_, i) => `T-${i + 1}`),
    );
    expect(new Set(events.map((e) => `${e.event} ${e.tenant} ${e.actor}`))).toEqual(
      new Set([`task.created portfolio run:${JSON.parse(result.stdout).runId}`]),
    );
    const moved = await runCli(
      ["task", "portfolio/T-2", "-w", dir, "--status", "done", "--by", "owner@example.com"],
      { env },
    );
    expect(moved.code, moved.stderr).toBe(0);
    expect(received).toHaveLength(22);
    expect(JSON.parse(received[21]?.body ?? "{}")).toMatchObject({
      event: "task.status",
      actor: "owner@example.com",
      task: { id: "T-2", status: "done" },
    });
    // The signing secret is in no log line of the run.
    const { readdir } = await import("node:fs/promises");
    const logs = await readdir(`${dir}/.exec-intel/logs`);
    for (const file of logs)
      expect(await readFile(`${dir}/.exec-intel/logs/${file}`, "utf8")).not.toContain(SECRET);
  }, 120_000);
});
