import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchemaText } from "./config-json-schema.js";
import { configReferenceText, exampleAt } from "./config-reference.js";

const portfolio = parse(
  readFileSync(new URL("../../examples/portfolio/exec-intel.yaml", import.meta.url), "utf8"),
);
const reference = () => configReferenceText(JSON.parse(configSchemaText()), portfolio);

describe("the configuration reference (docs/configuration.md)", () => {
  it("is in sync with the schema and the portfolio (run `npm run schema` after changing either)", () => {
    const committed = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
    expect(committed).toBe(reference());
  });

  it("lists every key of the schema, each source type in its own section", () => {
    const text = reference();
    // Every property the schema defines, at any depth, appears as the end of a documented path.
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (typeof node !== "object" || node === null) return;
      const properties = (node as { properties?: Record<string, unknown> }).properties;
      for (const key of Object.keys(properties ?? {})) keys.add(key);
      for (const child of Object.values(node)) walk(child);
    };
    walk(JSON.parse(configSchemaText()));
    expect(keys.size).toBeGreaterThan(100);
    for (const key of keys) expect(text, key).toMatch(new RegExp(`[.\`]${key}\` \\|`));
    for (const kind of ["ledger", "handoffs", "registry", "bookings", "kpis", "git", "aws"])
      expect(text).toContain(`## \`tenants[].sources[]\` with \`type: ${kind}\``);
    expect(text).toContain(
      "| `staleAfterDays` | integer |  | `45` | > 0 | A source older than this at period end is stale | `45` |",
    );
  });

  it("quotes the example of a source key from a source of that type only", () => {
    const config = {
      tenants: [
        {
          sources: [
            { type: "registry", id: "registry", path: "data/registry.yaml" },
            { type: "ledger", id: "checking", path: "data/checking.csv" },
          ],
        },
      ],
    };
    expect(exampleAt(config, "tenants[].sources[type=ledger].path")).toBe("data/checking.csv");
    expect(exampleAt(config, "tenants[].sources[].path")).toBe("data/registry.yaml");
    expect(exampleAt(config, "tenants[].sources[type=git].path")).toBeUndefined();
    expect(exampleAt({ roles: { ceo: { title: "Owner" } } }, "roles.*.title")).toBe("Owner");
  });

  it("changes with the portfolio's values", () => {
    const changed = structuredClone(portfolio) as { staleAfterDays: number };
    changed.staleAfterDays = 30;
    expect(configReferenceText(JSON.parse(configSchemaText()), changed)).toContain(
      "| A source older than this at period end is stale | `30` |",
    );
  });
});
