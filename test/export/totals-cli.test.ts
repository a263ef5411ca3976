import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totalTenantLedgers } from "../../src/adapters/sources/ledger-totals.js";
import { loadWorkspaceConfig } from "../../src/adapters/workspace/config-file.js";
import { transactionsThrough } from "../../src/core/export/journal.js";
import { ledgerTotals, renderTotals } from "../../src/core/export/totals.js";
import type { TenantModel } from "../../src/core/model/index.js";
import { collectWorkspace } from "../../src/run.js";
import { copyWorkspace, expectRefusedWithOut, makeTempDir, PORTFOLIO } from "../helpers/cli.js";

// The command-line contract of `exec-intel export totals`, run as shipped: the built CLI in
// dist/ in its own process (`npm run build` first). The command streams the ledger CSVs into
// totals without building the model; here its output must equal the model path —
// ledgerTotals(model.transactions) for the model collectWorkspace builds — byte for byte.
// The worker-thread path runs only from the built JavaScript (vitest runs the TypeScript
// sources, where totalTenantLedgers stays in-thread), so a synthetic 10 MB tenant is totalled
// by the built CLI, with a preloaded probe that reports each worker started, and compared
// with the in-thread totals of the same workspace.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = path.join(ROOT, "bin/exec-intel.js");
const BUILT = path.join(ROOT, "dist/entry/cli.js");

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in a child process with a minimal environment. */
function cli(args: readonly string[], nodeArgs: readonly string[] = []): Promise<CliRun> {
  const env = { PATH: process.env.PATH ?? "/usr/bin", LANG: "C.UTF-8" };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeArgs, BIN, ...args],
      { env, cwd: scratch, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") reject(error);
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

const totals = (...args: string[]) => cli(["export", "totals", ...args]);

let scratch = "";
let cleanupScratch: () => Promise<void> = async () => {};
const models = new Map<string, TenantModel>();

beforeAll(async () => {
  if (!existsSync(BUILT))
    throw new Error("the CLI is not built: run `npm run build` before these tests");
  ({ dir: scratch, cleanup: cleanupScratch } = await makeTempDir());
  const collected = await collectWorkspace({
    workspace: PORTFOLIO,
    environment: {},
    period: "2026-10",
  });
  for (const model of collected.models) models.set(model.tenant.id, model);
});

afterAll(async () => {
  await cleanupScratch();
});

const modelOf = (tenant: string): TenantModel => {
  const model = models.get(tenant);
  if (model === undefined) throw new Error(`no model for ${tenant}`);
  return model;
};

/** The model path: every transaction of the collected model, totalled and rendered. */
const fromModel = (tenant: string, format: "csv" | "json", period?: string): string => {
  const model = modelOf(tenant);
  const transactions =
    period === undefined ? model.transactions : transactionsThrough(model.transactions, period);
  return renderTotals(format, { tenant: model.tenant, rows: ledgerTotals(transactions) });
};

const TENANTS = ["portfolio", "harbor-bakery"] as const;

describe.concurrent("export totals equals the model's totals", () => {
  it.each(TENANTS)("for the %s tenant, as CSV on stdout by default", async (tenant) => {
    const run = await totals("-w", PORTFOLIO, "--tenant", tenant);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe("month,entity,account,currency,amount,transactions");
    expect(lines.length).toBeGreaterThan(tenant === "portfolio" ? 100 : 20);
    expect(run.stdout).toBe(fromModel(tenant, "csv"));
    // Only income and expense accounts; the portfolio's transfers and owner money are not there.
    for (const line of lines.slice(1)) expect(line.split(",")[2]).toMatch(/^(income|expenses):/);
    if (tenant === "portfolio") {
      const categories = new Set(modelOf(tenant).transactions.map((t) => t.category));
      expect(categories).toContain("transfers:internal");
      expect(categories).toContain("equity:owner-contributions");
      expect(categories).toContain(undefined);
      expect(run.stdout).toContain(",income:uncategorised,");
      expect(run.stdout).toContain(",expenses:uncategorised,");
    }
  });

  it("through --period 2026-06, against the model's transactions through June", async () => {
    const run = await totals("-w", PORTFOLIO, "--tenant", "portfolio", "--period", "2026-06");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(fromModel("portfolio", "csv", "2026-06"));
    const months = new Set(
      run.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.slice(0, 7)),
    );
    expect([...months].at(-1)).toBe("2026-06");
    expect(run.stdout).not.toBe(fromModel("portfolio", "csv"));
  });

  it("as JSON with --format json", async () => {
    const run = await totals("-w", PORTFOLIO, "--tenant", "portfolio", "--format", "json");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(fromModel("portfolio", "json"));
    const parsed = JSON.parse(run.stdout) as {
      tenant: string;
      rows: { amount: number; amountText: string }[];
    };
    expect(parsed.tenant).toBe("portfolio");
    for (const row of parsed.rows) expect(Number(row.amountText) * 100).toBeCloseTo(row.amount, 6);
  });
});

describe.concurrent("export totals --out", () => {
  it("writes one <tenant>.csv per tenant, creating the folder, and says what it wrote", async () => {
    const folder = path.join(scratch, "nested", "totals");
    const run = await totals("-w", PORTFOLIO, "--out", folder);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `wrote ${path.join(folder, "portfolio.csv")}\nwrote ${path.join(folder, "harbor-bakery.csv")}\n`,
    );
    expect((await readdir(folder)).sort()).toEqual(["harbor-bakery.csv", "portfolio.csv"]);
    for (const tenant of TENANTS) {
      expect(await readFile(path.join(folder, `${tenant}.csv`), "utf8")).toBe(
        fromModel(tenant, "csv"),
      );
    }
  });

  it("writes <tenant>.json with --format json, --tenant's alone", async () => {
    const folder = path.join(scratch, "json");
    const run = await totals(
      "-w",
      PORTFOLIO,
      "--format",
      "json",
      "--tenant",
      "harbor-bakery",
      "--out",
      folder,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`wrote ${path.join(folder, "harbor-bakery.json")}\n`);
    expect(await readdir(folder)).toEqual(["harbor-bakery.json"]);
    expect(await readFile(path.join(folder, "harbor-bakery.json"), "utf8")).toBe(
      fromModel("harbor-bakery", "json"),
    );
  });
});

describe.concurrent("export totals bad input exits 2, says what to do, writes nothing", () => {
  const refused = (args: string[], message: string, hint?: string) =>
    expectRefusedWithOut((argv: string[]) => cli(argv), scratch, args, message, hint);

  it("two tenants and neither --tenant nor --out", async () => {
    const run = await totals("-w", PORTFOLIO);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      "(command line): error: the workspace has 2 tenants (portfolio, harbor-bakery)",
    );
    expect(run.stderr).toContain(
      "hint: pass --tenant ID to print one, or --out DIR to write one file per tenant",
    );
  });

  it("--format xml", async () => {
    await refused(
      ["export", "totals", "-w", PORTFOLIO, "--format", "xml"],
      '(command line): error: --format "xml" is not a totals format',
      "use --format csv or --format json",
    );
  });

  it.each(["2026-13", "June", "2026-6", "2026-06-30"])("--period %s", async (period) => {
    await refused(
      ["export", "totals", "-w", PORTFOLIO, "--period", period],
      `(command line): error: --period "${period}" is not a YYYY-MM month`,
      "write it like --period 2026-10, or leave it out to export every transaction",
    );
  });

  it("an unknown --tenant", async () => {
    await refused(
      ["export", "totals", "-w", PORTFOLIO, "--tenant", "bakery"],
      '(command line): error: no tenant "bakery" in the config',
      "use one of: portfolio, harbor-bakery",
    );
  });

  it("a bad amount in a ledger export: the file and line, and no tenant's file written", async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    try {
      // The second tenant's file, so a first tenant written before the error would show.
      const csv = path.join(copy.dir, "data/harbor-bakery/checking.csv");
      const lines = (await readFile(csv, "utf8")).split("\n");
      const index = lines.findIndex((line) => line.includes('GUSTO PAYROLL NET PAY,"-4,850.00"'));
      expect(index).toBeGreaterThan(2);
      lines[index] = (lines[index] as string).replace('"-4,850.00"', "12.3.4");
      await writeFile(csv, lines.join("\n"));
      await refused(
        ["export", "totals", "-w", copy.dir],
        `data/harbor-bakery/checking.csv:${index + 1}:3: error: amount "12.3.4" is not a number`,
        "write a number such as -1234.56",
      );
    } finally {
      await copy.cleanup();
    }
  });
});

describe("a changed amount in the source data", () => {
  it("moves exactly the one total it belongs to, by exactly the difference", async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    try {
      // A credit-card export with sign: inverted, so a bigger purchase is a bigger expense.
      const csv = path.join(copy.dir, "data/ledger/quickdumpnow-card.csv");
      const before = await readFile(csv, "utf8");
      const row = "11/3/2025,CHEVRON 0201457 SAN DIEGO CA,74.46";
      expect(before.split(row)).toHaveLength(2);
      const args = ["-w", copy.dir, "--tenant", "portfolio"];
      const original = await totals(...args);
      expect(original.code, original.stderr).toBe(0);
      await writeFile(csv, before.replace(row, "11/3/2025,CHEVRON 0201457 SAN DIEGO CA,79.46"));
      const changed = await totals(...args);
      expect(changed.code, changed.stderr).toBe(0);

      const was = original.stdout.split("\n");
      const now = changed.stdout.split("\n");
      expect(now).toHaveLength(was.length);
      const differing = was.flatMap((line, i) => (line === now[i] ? [] : [[line, now[i]]]));
      expect(differing).toHaveLength(1);
      const [[oldLine = "", newLine = ""] = []] = differing;
      const key = "2025-11,quickdumpnow,expenses:vehicle:fuel,USD,";
      expect(oldLine.startsWith(key)).toBe(true);
      expect(newLine.startsWith(key)).toBe(true);
      const [oldAmount, oldCount] = oldLine.slice(key.length).split(",");
      const [newAmount, newCount] = newLine.slice(key.length).split(",");
      expect(newCount).toBe(oldCount);
      expect(Math.round(Number(newAmount) * 100) - Math.round(Number(oldAmount) * 100)).toBe(-500);
    } finally {
      await copy.cleanup();
    }
  });
});

/** The synthetic tenant writer of bench/scale (plain JavaScript, typed here). */
type WriteTenantWorkspace = (
  dir: string,
  index: number,
  options: { entities: number; transactions: number },
) => { id: string; bytes: number; entities: string[] };

describe("the worker-thread path", () => {
  it("gives the same totals as the in-thread path on a 200,000-transaction tenant", async () => {
    const cores = availableParallelism();
    expect(cores, "the worker path needs at least 2 cores; this machine has 1").toBeGreaterThan(1);
    const module = (await import(pathToFileURL(path.join(ROOT, "bench/scale/tenant.js")).href)) as {
      writeTenantWorkspace: WriteTenantWorkspace;
    };
    const workspace = path.join(scratch, "synthetic");
    const written = module.writeTenantWorkspace(workspace, 0, {
      entities: 4,
      transactions: 200_000,
    });
    // totalTenantLedgers starts workers from 8 MiB of ledger CSV.
    expect(written.bytes).toBeGreaterThan(8 * 1024 * 1024);

    // Reports each worker the CLI starts on stderr, without changing what it does.
    const probe = path.join(scratch, "worker-probe.mjs");
    await writeFile(
      probe,
      `import workerThreads from "node:worker_threads";
import { syncBuiltinESMExports } from "node:module";
if (workerThreads.isMainThread) {
  const Original = workerThreads.Worker;
  workerThreads.Worker = class extends Original {
    constructor(...args) {
      super(...args);
      process.stderr.write("probe: worker " + String(args[0]) + "\\n");
    }
  };
  syncBuiltinESMExports();
}
`,
    );
    const run = await cli(
      ["export", "totals", "-w", workspace],
      ["--import", pathToFileURL(probe).href],
    );
    expect(run.code, run.stderr).toBe(0);
    const workers = run.stderr.split("\n").filter((line) => line !== "");
    expect(workers).toEqual(
      Array(Math.min(cores, written.entities.length)).fill(
        // The CLI as shipped runs from the bundle (scripts/bundle-cli.mjs), its worker beside it.
        `probe: worker ${pathToFileURL(path.join(ROOT, "dist/cli/ledger-totals-worker.js")).href}`,
      ),
    );

    const config = await loadWorkspaceConfig(workspace, {});
    const tenant = config.tenants[0];
    if (tenant === undefined) throw new Error("the synthetic workspace has no tenant");
    const inThread = await totalTenantLedgers(workspace, tenant);
    expect(inThread.problems).toEqual([]);
    expect(inThread.transactions).toBe(200_000);
    // Every transaction is income or expense in the synthetic tenant: the counts add up.
    expect(inThread.rows.reduce((sum, row) => sum + row.transactions, 0)).toBe(200_000);
    expect(run.stdout).toBe(renderTotals("csv", { tenant, rows: inThread.rows }));

    // --period reaches the workers too, and a bad row's problem comes back from one, located.
    const withProbe = ["--import", pathToFileURL(probe).href];
    const [cut, march] = await Promise.all([
      cli(["export", "totals", "-w", workspace, "--period", "2026-03"], withProbe),
      totalTenantLedgers(workspace, tenant, "2026-03"),
    ]);
    expect(cut.code, cut.stderr).toBe(0);
    expect(cut.stderr.split("\n").filter((line) => line !== "")).toEqual(workers);
    expect(march.rows.at(-1)?.month).toBe("2026-03");
    expect(cut.stdout).toBe(renderTotals("csv", { tenant, rows: march.rows }));

    const file = `data/${written.entities[2]}.csv`;
    const lines = (await readFile(path.join(workspace, file), "utf8")).split("\n");
    const date = (lines[5000] as string).split(",")[0];
    lines[5000] = `${date},POS PURCHASE,abc,0.00`;
    await writeFile(path.join(workspace, file), lines.join("\n"));
    const refused = await cli(["export", "totals", "-w", workspace], withProbe);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(`${file}:5001:3: error: amount "abc" is not a number`);
    expect(refused.stderr.split("\n").filter((line) => line.startsWith("probe: "))).toEqual(
      workers,
    );
  }, 60_000);
});
