import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../src/core/render/markdown.js";
import { REQUIRED_SECTIONS } from "../src/core/reports/index.js";
import { PORTFOLIO } from "./helpers/cli.js";
import { computeTenant } from "./helpers/pipeline.js";

// Golden Markdown of each report of the reference portfolio for 2026-10. Each file was read as
// its executive would read it before it was committed. After an intended change, regenerate
// with `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`, then read the diff.
const GOLDEN = fileURLToPath(new URL("./golden/portfolio/", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

describe("golden Markdown of the reference portfolio (2026-10)", async () => {
  const { reports, intelligence } = await computeTenant(PORTFOLIO);
  // Every configured role's report, by role id (a domain role's id need not be its report kind).
  const roles = Object.keys(intelligence.context.roles);
  it.each(roles)("%s report matches its reviewed golden file", (role) => {
    const report = reports.find((r) => r.role === role);
    expect(report, `no ${role} report`).toBeDefined();
    const markdown = renderMarkdown(report as NonNullable<typeof report>);
    const file = `${GOLDEN}${role}-report.md`;
    if (update) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, markdown);
    }
    expect(
      existsSync(file),
      `${file} is missing: generate it with UPDATE_GOLDEN=1 and read it`,
    ).toBe(true);
    expect(markdown).toBe(readFileSync(file, "utf8"));
  });

  it.each(roles)("%s report has its required sections in order", (role) => {
    const kind = intelligence.context.roles[role]?.report;
    const sections = kind !== undefined ? REQUIRED_SECTIONS[kind] : [];
    expect(kind, `role ${role} names a report`).toBeDefined();
    const report = reports.find((r) => r.role === role);
    expect(report?.sections.map((s) => s.id).filter((id) => sections.includes(id))).toEqual(
      sections,
    );
  });
});
