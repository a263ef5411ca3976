import { appendFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyWorkspace, makeTempDir, PORTFOLIO, runCli } from "./helpers/cli.js";

interface DryRunSummary {
  runId: string;
  period: string;
  tenants: {
    id: string;
    counts: Record<string, number>;
    uncategorisedTransactions: number;
    sources: { sourceId: string; type: string; records: number; asOf?: string; status: string }[];
  }[];
  warnings: unknown[];
}

async function dryRun(workspace: string, extra: string[] = []): Promise<DryRunSummary> {
  const result = await runCli([
    "run",
    "-w",
    workspace,
    "--period",
    "2026-10",
    "--dry-run",
    "--json",
    ...extra,
  ]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as DryRunSummary;
}

describe("the reference portfolio", () => {
  it("validates with exit 0 and no warnings", async () => {
    const result = await runCli(["validate", "-w", PORTFOLIO, "--period", "2026-10"]);
    expect(result).toEqual({
      code: 0,
      stdout: "ok: 2 tenant(s), 19 sources, 1629 records, 0 warning(s)\n",
      stderr: "",
    });
  });

  it("collects the expected records per tenant in a dry run", async () => {
    const summary = await dryRun(PORTFOLIO);
    expect(summary.period).toBe("2026-10");
    expect(summary.runId).toMatch(/^20261121T080000Z-[0-9a-f]{8}$/);
    const [portfolio, bakery] = summary.tenants;
    expect(portfolio?.id).toBe("portfolio");
    expect(portfolio?.counts).toEqual({
      entities: 7,
      assets: 8,
      revenueStreams: 12,
      people: 4,
      systems: 18,
      channels: 20,
      documents: 6,
      transactions: 953,
      bookings: 87,
      kpiObservations: 108,
      kpiTargets: 34,
      handoffs: 7,
      handoffItems: 99,
      policies: 3,
      plannedSpends: 7,
      campaigns: 1,
      repositories: 3,
      cloudAccounts: 2,
      propertyBooks: 1,
      deliveryBooks: 1,
      clientBooks: 1,
    });
    expect(portfolio?.uncategorisedTransactions).toBe(65);
    expect(portfolio?.sources.map((s) => [s.sourceId, s.status])).toEqual([
      ["registry", "fresh"],
      ["handoffs", "fresh"],
      ["bookings", "fresh"],
      ["kpis", "fresh"],
      ["repos", "fresh"],
      ["aws-queenofsandiego", "fresh"],
      ["aws-dangerouscentaur", "fresh"],
      ["rental", "fresh"],
      ["deliveries", "fresh"],
      ["billing", "fresh"],
      ["jada-checking", "fresh"],
      ["quickdumpnow-checking", "fresh"],
      ["quickdumpnow-card", "fresh"],
      ["dangerouscentaur-card", "fresh"],
      ["queenofsandiego-checking", "fresh"],
      ["dangerouscentaur-checking", "fresh"],
      ["queenofsandiego-stripe", "fresh"],
    ]);
    expect(bakery?.id).toBe("harbor-bakery");
    expect(bakery?.counts.transactions).toBe(65);
  });

  it("collects only the requested tenant", async () => {
    const summary = await dryRun(PORTFOLIO, ["--tenant", "harbor-bakery"]);
    expect(summary.tenants.map((t) => t.id)).toEqual(["harbor-bakery"]);
    expect(summary.tenants[0]?.sources.map((s) => s.sourceId)).toEqual([
      "bakery-registry",
      "bakery-checking",
    ]);
  });

  it("marks a source stale when the period moves past its data", async () => {
    const result = await runCli([
      "run",
      "-w",
      PORTFOLIO,
      "--period",
      "2027-03",
      "--dry-run",
      "--json",
    ]);
    const summary = JSON.parse(result.stdout) as DryRunSummary;
    // Every exported source is stale; the git repositories are read as they stand, so not them.
    const sources = summary.tenants[0]?.sources ?? [];
    expect(sources.filter((s) => s.status !== "stale").map((s) => s.sourceId)).toEqual(["repos"]);
    expect(sources.find((s) => s.sourceId === "repos")).toMatchObject({
      asOf: "2027-03-31",
      ageDays: 0,
    });
    expect(summary.warnings.length).toBe(18);
  });

  it("follows the data: an added ledger row and a new registry asset change the counts", async () => {
    const { dir, cleanup } = await copyWorkspace(PORTFOLIO);
    try {
      await appendFile(
        path.join(dir, "data/ledger/jada-checking.csv"),
        "10/30/2026,MYSTERY VENDOR 123,-10.00,0.00\n",
      );
      const registry = path.join(dir, "data/registry.yaml");
      const text = await readFile(registry, "utf8");
      await writeFile(
        registry,
        text.replace(
          /^assets:\n/m,
          "assets:\n  - { id: spare-dinghy, entity: jada, kind: vessel, name: Spare dinghy }\n",
        ),
      );
      const summary = await dryRun(dir);
      expect(summary.tenants[0]?.counts.transactions).toBe(954);
      expect(summary.tenants[0]?.uncategorisedTransactions).toBe(66);
      expect(summary.tenants[0]?.counts.assets).toBe(9);
    } finally {
      await cleanup();
    }
  });
});

describe("the command line", () => {
  it("prints pure JSON with --json even on a terminal, and progress only on a terminal without it", async () => {
    const json = await runCli(
      ["run", "-w", PORTFOLIO, "--period", "2026-10", "--dry-run", "--json"],
      { isTty: true },
    );
    expect(json.stderr).toBe("");
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    const human = await runCli(["run", "-w", PORTFOLIO, "--period", "2026-10", "--dry-run"], {
      isTty: true,
    });
    expect(human.stderr).toContain("… collecting portfolio (17 sources)");
    expect(human.stdout).toContain("transactions         953");
  });

  it("maps usage errors and bad periods to exit 2", async () => {
    expect((await runCli(["run", "--bogus"])).code).toBe(2);
    const period = await runCli(["run", "-w", PORTFOLIO, "--period", "2026-13", "--dry-run"]);
    expect(period.code).toBe(2);
    expect(period.stderr).toContain('--period "2026-13" is not a YYYY-MM month');
    const tenant = await runCli(["run", "-w", PORTFOLIO, "--tenant", "nobody", "--dry-run"]);
    expect(tenant.code).toBe(2);
    expect(tenant.stderr).toContain("use one of: portfolio, harbor-bakery");
  });

  it("refuses --resend without --yes, before touching anything", async () => {
    const result = await runCli(["run", "-w", PORTFOLIO, "--period", "2026-10", "--resend"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("add --yes to confirm");
  });

  it("scaffolds a workspace with init that validates, and refuses to overwrite it", async () => {
    const { dir, cleanup } = await makeTempDir();
    const target = path.join(dir, "new-workspace");
    try {
      const created = await runCli(["init", target]);
      expect(created.code).toBe(0);
      expect(created.stdout).toContain("Created the workspace");
      const valid = await runCli(["validate", "-w", target, "--period", "2026-10"]);
      expect(valid).toMatchObject({ code: 0, stderr: "" });
      const again = await runCli(["init", target]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("a workspace already exists here");
    } finally {
      await cleanup();
    }
  });
});
