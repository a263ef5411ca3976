import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyWorkspace, PORTFOLIO, runCli } from "./helpers/cli.js";

// A user rule written the way the docs tell users to: a TypeScript module in rules/.
const FUEL_RULE = `
const rule = {
  id: "large-fuel-purchase",
  category: "cost-control",
  roles: ["cfo"],
  severity: "medium",
  effort: 1,
  impact: 2,
  thresholds: { dollars: 400 },
  evaluate(context) {
    const limit = context.threshold("dollars") * 100;
    return context.model.transactions
      .filter((t) => t.category === "expenses:cost-of-sales:fuel" && -t.amountCents > limit)
      .map((t) => ({
        subject: t.id,
        title: \`Fuel purchase of \${-t.amountCents / 100} on \${t.date}\`,
        entity: t.entity,
        evidence: [{ text: t.description, source: t.provenance }],
        action: "Check the fuel log against the charter.",
      }));
  },
};
export default rule;
`;

interface Summary {
  tenants: { id: string; findings: { id: string; category: string }[] }[];
}

async function findingsWithRule(
  rule: string,
  threshold?: number,
): Promise<{ code: number; stderr: string; ids: string[] }> {
  const { dir, cleanup } = await copyWorkspace(PORTFOLIO);
  try {
    await mkdir(path.join(dir, "rules"));
    await writeFile(path.join(dir, "rules", "fuel.ts"), rule);
    const argv = [
      "run",
      "-w",
      dir,
      "--period",
      "2026-10",
      "--dry-run",
      "--json",
      "--tenant",
      "portfolio",
    ];
    if (threshold !== undefined) {
      const config = path.join(dir, "exec-intel.yaml");
      const text = await readFile(config, "utf8");
      await writeFile(
        config,
        text.replace(
          "    analysis:\n",
          `    analysis:\n      thresholds: { large-fuel-purchase.dollars: ${threshold} }\n`,
        ),
      );
    }
    const result = await runCli(argv);
    if (result.code !== 0) return { code: result.code, stderr: result.stderr, ids: [] };
    const summary = JSON.parse(result.stdout) as Summary;
    return {
      code: 0,
      stderr: result.stderr,
      ids: (summary.tenants[0]?.findings ?? [])
        .filter((f) => f.category === "cost-control")
        .map((f) => f.id),
    };
  } finally {
    await cleanup();
  }
}

describe("user rules in the workspace's rules/ folder", () => {
  it("are compiled, validated and run, with thresholds from config", async () => {
    const strict = await findingsWithRule(FUEL_RULE, 1);
    expect(strict.code).toBe(0);
    expect(strict.ids.length).toBeGreaterThan(0);
    expect(strict.ids.every((id) => id.startsWith("large-fuel-purchase:"))).toBe(true);
    const lenient = await findingsWithRule(FUEL_RULE, 1_000_000);
    expect(lenient.ids).toEqual([]);
  });

  it("refuse a module that is not a rule, naming the file (exit 2)", async () => {
    const result = await findingsWithRule("export default { id: 'Bad Id', evaluate: 42 };\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("rules/fuel.ts: error: default export id:");
    expect(result.stderr).toContain("default export evaluate: must be a function");
  });

  it("report a rule that throws as bad input in its file, not as an internal error", async () => {
    const throwing = FUEL_RULE.replace(
      "const limit =",
      'throw new Error("boom");\n    const limit =',
    );
    const result = await findingsWithRule(throwing);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /rules\/fuel\.ts:\d+: error: rule "large-fuel-purchase" failed: boom/,
    );
    expect(result.stderr).not.toContain("internal error");
  });

  it("report two hits with one subject as the rule's mistake, naming the file (exit 2)", async () => {
    // Every hit on the same subject: one finding raised twice, the rule's fault. A $1 threshold
    // makes every fuel purchase a hit, so there are several.
    const result = await findingsWithRule(
      FUEL_RULE.replace("subject: t.id,", 'subject: "fuel",'),
      1,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'rules/fuel.ts: error: rule "large-fuel-purchase" returned two hits with the subject "fuel"',
    );
    expect(result.stderr).not.toContain("internal error");
  });

  it("point at a syntax error's line and column, with the compiler's words", async () => {
    const broken = FUEL_RULE.replace('  category: "cost-control",', '  category: "cost-control"');
    const result = await findingsWithRule(broken);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'rules/fuel.ts:5:3: error: rule module does not load: Expected "}" but found "roles"',
    );
  });

  it("name no empty path when evaluate returns no list", async () => {
    const result = await findingsWithRule(
      FUEL_RULE.replace("return context.model", "context.model"),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'rules/fuel.ts: error: rule "large-fuel-purchase" returned a malformed hit: Invalid input: expected array, received undefined',
    );
  });
});
