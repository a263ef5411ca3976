import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { openSqliteLedger } from "../src/adapters/store/sqlite-store.js";
import { portfolioCopies, runCli } from "./helpers/cli.js";

// `exec-intel run` with the embedded outbox transport, as `npm run demo` uses it: one .eml per
// recipient per report, a re-run sends nothing, targeting and forced resends, and what happens to
// a message a crash left half-sent. SMTP, SES, faults and kills are in test/deliver/.

interface Delivery {
  tenant: string;
  report: string;
  recipient: string;
  status: string;
  attempts: number;
  messageId: string | null;
  sentNow: boolean;
}

/** A copy of the portfolio without PDFs (they have their own tests), `yaml` appended to its config. */
const workspace = portfolioCopies();

async function run(dir: string, ...extra: string[]) {
  const result = await runCli(["run", "-w", dir, "--period", "2026-10", "--json", ...extra]);
  const summary = result.stdout === "" ? undefined : JSON.parse(result.stdout);
  return { ...result, deliveries: (summary?.deliveries ?? []) as Delivery[] };
}

async function outboxFiles(dir: string): Promise<string[]> {
  const root = path.join(dir, ".exec-intel", "outbox");
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe("run delivers through the outbox", () => {
  it("writes one .eml per recipient per report, and a re-run sends nothing new", async () => {
    const dir = await workspace();
    const first = await run(dir);
    expect(first.code, first.stderr).toBe(0);
    // The configured recipients: CEO 1, CTO 2, Accounting 1, CMO 2, CFO 1, property manager 1,
    // delivery manager 1, billing 1, and the bakery's CEO 1.
    expect(first.deliveries).toHaveLength(11);
    expect(first.deliveries.every((d) => d.status === "sent" && d.sentNow)).toBe(true);
    const files = await outboxFiles(dir);
    expect(files).toEqual([
      "harbor-bakery/2026-10/ceo/baker_at_example.com.eml",
      "portfolio/2026-10/accounting/priya.natarajan_at_example.com.eml",
      "portfolio/2026-10/billing/priya.natarajan_at_example.com.eml",
      "portfolio/2026-10/ceo/owner_at_example.com.eml",
      "portfolio/2026-10/cfo/helen.park_at_example.com.eml",
      "portfolio/2026-10/cmo/lena.brooks_at_example.com.eml",
      "portfolio/2026-10/cmo/owner_at_example.com.eml",
      "portfolio/2026-10/cto/owner_at_example.com.eml",
      "portfolio/2026-10/cto/sam.okafor_at_example.com.eml",
      "portfolio/2026-10/delivery-manager/marisol.vega_at_example.com.eml",
      "portfolio/2026-10/property-manager/dana.whitfield_at_example.com.eml",
    ]);
    // Each message is addressed to its one recipient and carries the ledger's Message-ID.
    const cto = await simpleParser(
      await readFile(
        path.join(dir, ".exec-intel/outbox/portfolio/2026-10/cto/sam.okafor_at_example.com.eml"),
      ),
    );
    expect(cto.to && "text" in cto.to ? cto.to.text : "").toBe(
      '"Sam Okafor" <sam.okafor@example.com>',
    );
    const row = first.deliveries.find((d) => d.recipient === "sam.okafor@example.com");
    expect(cto.messageId).toBe(row?.messageId);
    expect(cto.html).toContain("CTO report");

    const second = await run(dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.deliveries.filter((d) => d.sentNow)).toEqual([]);
    expect(second.deliveries.every((d) => d.status === "sent")).toBe(true);
    expect(await outboxFiles(dir)).toEqual(files);
  });

  it("targets one report and recipient, and resends only with --resend --yes", async () => {
    const dir = await workspace();
    const one = await run(dir, "--report", "cto", "--recipient", "Sam.Okafor@example.com");
    expect(one.code, one.stderr).toBe(0);
    expect(one.deliveries.map((d) => [d.report, d.recipient, d.sentNow])).toEqual([
      ["cto", "sam.okafor@example.com", true],
    ]);
    const resent = await run(
      dir,
      "--report",
      "cto",
      "--recipient",
      "sam.okafor@example.com",
      "--resend",
      "--yes",
    );
    expect(resent.code, resent.stderr).toBe(0);
    expect(resent.deliveries.map((d) => [d.status, d.attempts, d.sentNow])).toEqual([
      ["sent", 2, true],
    ]);
    // A forced resend is a second message, never an overwrite of the first; same Message-ID.
    const cto = (await outboxFiles(dir)).filter((f) => f.includes("/cto/"));
    expect(cto).toEqual([
      "portfolio/2026-10/cto/sam.okafor_at_example.com-2.eml",
      "portfolio/2026-10/cto/sam.okafor_at_example.com.eml",
    ]);
    const ids = await Promise.all(
      cto.map(
        async (f) =>
          (await simpleParser(await readFile(path.join(dir, ".exec-intel/outbox", f)))).messageId,
      ),
    );
    expect(ids[0]).toBe(ids[1]);
  });

  it("resends a message a crash left half-sent and says so; policy hold keeps it for a person", async () => {
    const dir = await workspace();
    // A crash between claim and send leaves a row in `sending`.
    const ledger = openSqliteLedger(path.join(dir, ".exec-intel", "state.sqlite"));
    const key = {
      tenant: "portfolio",
      period: "2026-10",
      report: "cfo",
      recipient: "helen.park@example.com",
    };
    ledger.plan([key], "crashed-run", new Date());
    expect(ledger.claim(key, "crashed-run", "<x@example.com>", new Date())).toBe(true);
    ledger.close();

    const held = await workspaceWithPolicy(dir, "hold");
    const holding = await run(held, "--report", "cfo");
    expect(holding.code).toBe(1);
    expect(holding.stderr).toContain(
      'delivery: portfolio/2026-10/cfo → helen.park@example.com was left half-sent by an interrupted run (attempt 1); policy "hold"',
    );
    expect(holding.deliveries.map((d) => d.status)).toEqual(["uncertain"]);

    const resend = await workspaceWithPolicy(dir, "resend");
    const resending = await run(resend, "--report", "cfo");
    expect(resending.code, resending.stderr).toBe(0);
    expect(resending.deliveries.map((d) => [d.status, d.attempts])).toEqual([["sent", 2]]);
  });

  it("refuses to deliver while another live run holds the workspace", async () => {
    const dir = await workspace();
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(dir, ".exec-intel"), { recursive: true });
    // pid 1 is always alive (init); a dead pid would be taken over.
    await writeFile(path.join(dir, ".exec-intel", "run.lock"), "1\n");
    const blocked = await run(dir);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(
      "another exec-intel run (pid 1) is delivering from this workspace",
    );
    await writeFile(path.join(dir, ".exec-intel", "run.lock"), "999999999\n");
    const taken = await run(dir);
    expect(taken.code, taken.stderr).toBe(0);
  });
});

/** Sets `transport.uncertain` in the workspace's config and returns the folder. */
async function workspaceWithPolicy(dir: string, policy: "hold" | "resend"): Promise<string> {
  const config = path.join(dir, "exec-intel.yaml");
  const text = (await readFile(config, "utf8")).replace(/\n {2}uncertain: \w+/, "");
  await writeFile(
    config,
    text.replace(
      "transport:\n  driver: outbox",
      `transport:\n  driver: outbox\n  uncertain: ${policy}`,
    ),
  );
  return dir;
}
