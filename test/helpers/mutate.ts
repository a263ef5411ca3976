import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";
import type { Intelligence } from "../../src/core/analysis/intelligence.js";
import type { ReportDocument } from "../../src/core/reports/document.js";
import { copyWorkspace, PORTFOLIO } from "./cli.js";
import { computeTenant } from "./pipeline.js";

/** What the pipeline computed for one tenant. */
export type Computed = Awaited<ReturnType<typeof computeTenant>>;

/** Computes the portfolio after `edit` has changed a temp copy of it (mutation tests). */
export async function mutated(edit: (dir: string) => Promise<void>): Promise<Computed> {
  const { dir, cleanup } = await copyWorkspace(PORTFOLIO);
  try {
    await edit(dir);
    return await computeTenant(dir);
  } finally {
    await cleanup();
  }
}

/** Replaces exactly one occurrence of `from` in a workspace file; fails loudly if the data moved on. */
export async function replaceIn(
  dir: string,
  file: string,
  from: string,
  to: string,
): Promise<void> {
  const full = path.join(dir, file);
  const text = await readFile(full, "utf8");
  expect(text.split(from).length - 1, `"${from}" should occur once in ${file}`).toBe(1);
  await writeFile(full, text.replace(from, to));
}

/** A section's blocks as JSON text, for "the report now says X" assertions. */
export function sectionText(report: ReportDocument, id: string): string {
  return JSON.stringify(report.sections.find((s) => s.id === id)?.blocks ?? []);
}

/** Sorted fingerprints of the findings of one category. */
export function fingerprints(intelligence: Intelligence, category: string): string[] {
  return intelligence.findings
    .filter((f) => f.category === category)
    .map((f) => f.fingerprint)
    .sort();
}
