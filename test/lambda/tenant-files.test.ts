import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadWorkspaceConfig } from "../../src/adapters/workspace/config-file.js";
import { filesOfTenant } from "../../src/entry/lambda.js";
import { PORTFOLIO } from "../helpers/cli.js";

// A worker job copies only its tenant's part of the workspace from S3: the reference portfolio's
// two tenants share one workspace, and neither job may need (or hold) the other's data.

const ENV = { OWNER_NAME: "Owner", OWNER_EMAIL: "owner@example.com" };

async function workspaceFiles(): Promise<string[]> {
  const entries = await readdir(PORTFOLIO, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath}/${e.name}`.slice(PORTFOLIO.length).replace(/^\//, ""))
    .filter((f) => !f.startsWith(".exec-intel/"));
}

describe("filesOfTenant", () => {
  it("takes the config, its .env and exactly the bakery's two sources for a bakery job", async () => {
    const config = await loadWorkspaceConfig(PORTFOLIO, ENV);
    const files = (await workspaceFiles()).filter(filesOfTenant(config, "harbor-bakery")).sort();
    expect(files).toEqual([
      ".env",
      "data/harbor-bakery/checking.csv",
      "data/harbor-bakery/registry.yaml",
      "exec-intel.yaml",
    ]);
  });

  it("takes the portfolio's sources, folders included, and none of the bakery's", async () => {
    const config = await loadWorkspaceConfig(PORTFOLIO, ENV);
    const files = (await workspaceFiles()).filter(filesOfTenant(config, "portfolio"));
    expect(files.some((f) => f.startsWith("data/handoffs/"))).toBe(true);
    expect(files.some((f) => f.startsWith("data/rental/"))).toBe(true);
    expect(files).toContain("data/ledger/jada-checking.csv");
    expect(files).toContain("data/registry.yaml");
    expect(files.filter((f) => f.startsWith("data/harbor-bakery/"))).toEqual([]);
    expect(files).not.toContain("README.md");
    expect(files).not.toContain("scripts/make-repos.mjs");
  });
});
