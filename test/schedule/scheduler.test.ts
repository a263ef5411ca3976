import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { portfolioCopies } from "../helpers/cli.js";

// The local scheduler (`exec-intel schedule`, the built CLI as child processes) against the
// reference portfolio with an outbox: catch-up after downtime runs the latest missed period
// once, two schedulers at the same moment run each period once, and a scheduler killed mid-run
// is taken over by its restart without waiting for the lease and without a second send.

const CLI = fileURLToPath(new URL("../../bin/exec-intel.js", import.meta.url));
/** Each tenant's recipients in the reference portfolio: 10 for portfolio, 1 for the bakery. */
const MESSAGES = 11;

const copies = portfolioCopies();

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `exec-intel schedule -w dir …args`; `exited` resolves with what it printed. */
function startScheduler(
  dir: string,
  args: string[],
): { child: ChildProcess; exited: Promise<Exited> } {
  const child = spawn(process.execPath, [CLI, "schedule", "-w", dir, ...args], {
    env: { ...process.env, OWNER_NAME: "Owner", OWNER_EMAIL: "owner@example.com" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return { child, exited };
}

async function scheduleOnce(dir: string, clock: string): Promise<Exited> {
  const run = await startScheduler(dir, ["--once", "--json", "--clock", clock]).exited;
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/** Every .eml under the workspace's outbox, relative to it. */
async function outbox(dir: string): Promise<string[]> {
  const root = path.join(dir, ".exec-intel", "outbox");
  const entries = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith(".eml")).sort();
}

interface Row {
  tenant: string;
  period: string;
  state: string;
  attempts: number;
}

function query<T>(dir: string, sql: string): T[] {
  const db = new Database(path.join(dir, ".exec-intel", "state.sqlite"), { readonly: true });
  try {
    return db.prepare<[], T>(sql).all();
  } finally {
    db.close();
  }
}

const scheduledRuns = (dir: string) =>
  query<Row & { owner: string; detail: string }>(
    dir,
    "SELECT * FROM scheduled_runs ORDER BY tenant, period",
  );
const deliveries = (dir: string) =>
  query<Row & { report: string; recipient: string }>(
    dir,
    "SELECT * FROM deliveries ORDER BY tenant, report, recipient",
  );
const runs = (dir: string) =>
  query<{ period: string; tenants: string; status: string }>(
    dir,
    "SELECT period, tenants, status FROM runs ORDER BY started_at",
  );

describe("exec-intel schedule", () => {
  it("after downtime runs the latest missed period once, not once per missed slot", async () => {
    const dir = await copies();
    // First seen in August; then down until late November: the 1 Sep, 1 Oct and 1 Nov slots
    // were missed. Only 1 Nov's period (October) runs.
    const first = await scheduleOnce(dir, "2026-08-20T12:00:00Z");
    expect(JSON.parse(first.stdout)).toEqual([]);
    const back = await scheduleOnce(dir, "2026-11-21T09:00:00Z");
    expect(
      (JSON.parse(back.stdout) as { tenant: string; period: string; result: string }[]).map((o) => [
        o.tenant,
        o.period,
        o.result,
      ]),
    ).toEqual([
      ["portfolio", "2026-10", "done"],
      ["harbor-bakery", "2026-10", "done"],
    ]);
    expect(scheduledRuns(dir).map((r) => [r.tenant, r.period, r.state, r.attempts])).toEqual([
      ["harbor-bakery", "2026-10", "done", 1],
      ["portfolio", "2026-10", "done", 1],
    ]);
    expect(new Set(deliveries(dir).map((d) => d.period))).toEqual(new Set(["2026-10"]));
    expect(await outbox(dir)).toHaveLength(MESSAGES);

    // Later passes the same month find the period settled: nothing runs, nothing is sent.
    const again = await scheduleOnce(dir, "2026-11-25T09:00:00Z");
    expect(JSON.parse(again.stdout)).toEqual([]);
    expect(await outbox(dir)).toHaveLength(MESSAGES);
    expect(runs(dir)).toHaveLength(2);
  }, 180_000);

  it("never fires for a slot before it first saw the tenant (as cron), then fires at the next", async () => {
    const dir = await copies();
    // Installed on 21 Nov: the 1 Nov slot is before it, so October is not sent by the scheduler.
    const first = await scheduleOnce(dir, "2026-11-21T09:00:00Z");
    expect(JSON.parse(first.stdout)).toEqual([]);
    expect(await outbox(dir)).toEqual([]);
    const status = await startScheduler(dir, ["--status", "--clock", "2026-11-21T09:00:00Z"])
      .exited;
    expect(status.stdout).toContain(
      "portfolio: cron(0 8 1 * ? *) in America/Los_Angeles; next 2026-12-01T16:00:00.000Z",
    );
  }, 60_000);

  it("two schedulers started at the same moment run each period once between them", async () => {
    const dir = await copies();
    await scheduleOnce(dir, "2026-10-31T12:00:00Z");
    const clock = "2026-11-01T16:05:00Z";
    const [a, b] = await Promise.all([
      startScheduler(dir, ["--once", "--json", "--clock", clock]).exited,
      startScheduler(dir, ["--once", "--json", "--clock", clock]).exited,
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const outcomes = [a, b].flatMap(
      (run) => JSON.parse(run.stdout) as { tenant: string; result: string }[],
    );
    // Each tenant's period was run by exactly one of them; the other passed over it.
    for (const tenant of ["portfolio", "harbor-bakery"]) {
      const mine = outcomes.filter((o) => o.tenant === tenant);
      expect(
        mine.filter((o) => o.result === "done"),
        JSON.stringify(outcomes),
      ).toHaveLength(1);
      expect(mine.every((o) => o.result === "done" || o.result === "held")).toBe(true);
    }
    expect(runs(dir)).toHaveLength(2);
    expect(deliveries(dir).every((d) => d.state === "sent" && d.attempts === 1)).toBe(true);
    expect(await outbox(dir)).toHaveLength(MESSAGES);
  }, 180_000);

  it("a restart takes over the claim of its killed predecessor and sends nothing twice", async () => {
    const dir = await copies();
    await scheduleOnce(dir, "2026-10-31T12:00:00Z");
    const killed = startScheduler(dir, ["--clock", "2026-11-01T16:10:00Z"]);
    // Killed as soon as the ledger records a message sent (an .eml in the outbox comes a moment
    // before its row says so): its claim stands (lease 15 minutes), its owner is dead.
    const deadline = Date.now() + 120_000;
    const sent = () => deliveries(dir).some((d) => d.state === "sent");
    while ((await outbox(dir)).length === 0 && Date.now() < deadline) await sleep(20);
    while (!sent() && Date.now() < deadline) await sleep(2);
    killed.child.kill("SIGKILL");
    const gone = await killed.exited;
    expect(gone.signal).toBe("SIGKILL");
    const sentBeforeKill = deliveries(dir).filter((d) => d.state === "sent").length;
    expect(sentBeforeKill).toBeGreaterThan(0);
    expect(sentBeforeKill).toBeLessThan(MESSAGES);
    expect(scheduledRuns(dir).find((r) => r.tenant === "portfolio")?.state).toBe("running");

    // One minute later, well inside the lease: the dead owner's claim is taken over at once.
    const restarted = await scheduleOnce(dir, "2026-11-01T16:11:00Z");
    expect(
      (JSON.parse(restarted.stdout) as { tenant: string; result: string }[]).map((o) => [
        o.tenant,
        o.result,
      ]),
    ).toEqual([
      ["portfolio", "done"],
      ["harbor-bakery", "done"],
    ]);
    const portfolio = scheduledRuns(dir).find((r) => r.tenant === "portfolio");
    expect(portfolio).toMatchObject({ state: "done", attempts: 2 });
    const rows = deliveries(dir);
    expect(rows).toHaveLength(MESSAGES);
    expect(rows.every((d) => d.state === "sent")).toBe(true);
    // A message the killed run had claimed but not recorded is `uncertain`: sent again with the
    // same Message-ID, and said so; a copy stands in the outbox only if the killed run got as far
    // as writing it. Every other message went out exactly once.
    const uncertain = query<{ recipient: string; report: string }>(
      dir,
      "SELECT DISTINCT report, recipient FROM delivery_events WHERE to_state = 'uncertain'",
    );
    const files = await outbox(dir);
    expect(files.length).toBeGreaterThanOrEqual(MESSAGES);
    expect(files.length).toBeLessThanOrEqual(MESSAGES + uncertain.length);
    for (const row of rows) {
      const resent = uncertain.some(
        (u) => u.report === row.report && u.recipient === row.recipient,
      );
      expect(row.attempts, `${row.report} ${row.recipient}`).toBe(resent ? 2 : 1);
    }
    if (uncertain.length > 0) expect(restarted.stderr).toContain("half-sent");
    const history = runs(dir);
    expect(history.map((r) => r.status)).toEqual(["running", "finished", "finished"]);
  }, 240_000);

  describe("send when fresh", () => {
    /** A portfolio copy whose workspace schedule requires fresh sources. */
    async function requiringFresh(afterDeadline: "alert-owner" | "send-flagged") {
      const dir = await copies();
      const file = path.join(dir, "exec-intel.yaml");
      const doc = parseDocument(await readFile(file, "utf8"));
      doc.setIn(["schedule", "requireFresh"], {
        retryEveryHours: 6,
        deadlineDays: 5,
        afterDeadline,
      });
      await writeFile(file, doc.toString());
      // First seen before the December slot, whose period (November) no source covers yet.
      await scheduleOnce(dir, "2026-11-25T12:00:00Z");
      return dir;
    }
    type Outcome = { tenant: string; result: string; detail: string; nextAttemptAt?: string };
    const outcomesOf = (run: Exited) => JSON.parse(run.stdout) as Outcome[];

    it("waits while a source does not cover the period, then alerts the owner at the deadline", async () => {
      const dir = await requiringFresh("alert-owner");
      const first = outcomesOf(await scheduleOnce(dir, "2026-12-01T17:00:00Z"));
      const waiting = first.find((o) => o.tenant === "portfolio");
      expect(waiting?.result).toBe("waiting");
      // Six hours after the attempt (the clock runs on from --clock while it collects).
      expect(waiting?.nextAttemptAt).toMatch(/^2026-12-01T23:00:0\d\.\d{3}Z$/);
      expect(waiting?.detail).toMatch(/^waiting for fresh data from /);
      expect(await outbox(dir)).toEqual([]);
      expect(runs(dir)).toEqual([]);

      // Before the retry time nothing is tried; after it, tried again (still stale).
      expect(outcomesOf(await scheduleOnce(dir, "2026-12-01T18:00:00Z"))).toEqual([]);
      const retried = outcomesOf(await scheduleOnce(dir, "2026-12-02T00:00:00Z"));
      expect(retried.find((o) => o.tenant === "portfolio")?.result).toBe("waiting");

      // Past the deadline (slot + 5 days): nothing is sent, the owner gets an alert instead.
      // A pass that stopped a period exits 1, so a systemd unit shows the failure.
      const latePass = await startScheduler(dir, [
        "--once",
        "--json",
        "--clock",
        "2026-12-06T17:00:00Z",
      ]).exited;
      expect(latePass.code, latePass.stderr).toBe(1);
      const stopped = outcomesOf(latePass).find((o) => o.tenant === "portfolio");
      expect(stopped?.result).toBe("stopped");
      expect(stopped?.detail).toContain("alerted owner@example.com");
      const files = await outbox(dir);
      expect(files).toContain(
        path.join("portfolio", "schedule", "alert-2026-11", "owner_at_example.com.eml"),
      );
      expect(files.filter((f) => !f.includes(`${path.sep}schedule${path.sep}`))).toEqual([]);
      const alert = await readFile(
        path.join(
          dir,
          ".exec-intel",
          "outbox",
          "portfolio",
          "schedule",
          "alert-2026-11",
          "owner_at_example.com.eml",
        ),
        "utf8",
      );
      expect(alert).toContain(
        "Subject: exec-intel: the 2026-11 reports were not sent (stale data)",
      );
      expect(scheduledRuns(dir).find((r) => r.tenant === "portfolio")).toMatchObject({
        period: "2026-11",
        state: "stopped",
        attempts: 3,
      });
      // Stopped is final: a later pass does not try again.
      expect(outcomesOf(await scheduleOnce(dir, "2026-12-07T17:00:00Z"))).toEqual([]);
    }, 240_000);

    it("past the deadline sends with the stale sources flagged when so configured", async () => {
      const dir = await requiringFresh("send-flagged");
      await scheduleOnce(dir, "2026-12-01T17:00:00Z");
      const late = outcomesOf(await scheduleOnce(dir, "2026-12-06T17:00:00Z"));
      const done = late.find((o) => o.tenant === "portfolio");
      expect(done?.result).toBe("done");
      expect(done?.detail).toMatch(/^sent 10 message\(s\); sent with stale sources flagged: /);
      expect(
        deliveries(dir).filter((d) => d.tenant === "portfolio" && d.period === "2026-11"),
      ).toHaveLength(10);
    }, 240_000);
  });
});
