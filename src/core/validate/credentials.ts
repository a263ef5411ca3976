import type { Block, ReportDocument } from "../reports/document.js";
import { canonicalSecret } from "./secret-patterns.js";
import type { Gate, GateProblem, GateReport, SecretHit, ValidationSettings } from "./types.js";

// Credentials: no secret in any output. Every problem names the secret by kind, place and masked
// fingerprint and is built from the hit's other fields only, so the value cannot leak into a
// message, a log line or the JSON summary.

/** Every credential found in an output blocks delivery unless the workspace allows it. */
export const credentialsGate: Gate = (input) => {
  const allowed = allowRules(input.settings.allowSecrets);
  const kept = input.secrets.filter((hit) => !allowed(hit));
  // One problem per secret per report: the same key in the HTML, text and JSON is one thing to fix.
  const groups = new Map<string, SecretHit[]>();
  for (const hit of kept) {
    const key = `${hit.report}\u0000${hit.fingerprint}\u0000${hit.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), hit]);
  }
  return [...groups.values()].map((hits) => problemOf(hits, input.reports));
};

/** The problem for one secret in one report (or the log), at every place it was found. */
function problemOf(hits: readonly SecretHit[], reports: readonly GateReport[]): GateProblem {
  const first = hits[0] as SecretHit;
  const log = first.report === "log";
  const document = reports.find((r) => r.document.id === first.report)?.document;
  const origin = document !== undefined ? originOf(document, first.value) : undefined;
  const where = log ? "the run's log," : `the ${roleOf(first.report)} report's`;
  const source =
    origin?.source !== undefined
      ? `the source data it came from (${origin.source})`
      : "the source data it came from (the handoff note, ledger row or registry field the report quotes)";
  return {
    gate: "credentials",
    ...(log ? {} : { report: first.report }),
    ...(origin?.section !== undefined ? { section: origin.section } : {}),
    message: `${first.kind} in ${where} ${places(hits, log)} (${first.fingerprint})`,
    fix:
      `remove it from ${source} and rotate it, since it has been written down; ` +
      `if it is a published example, allow it in validation.allowSecrets with fingerprint: "${hashPart(first.fingerprint)}" and a reason`,
  };
}

/** Role of a report id `{tenant}/{period}/{role}`. */
function roleOf(reportId: string): string {
  return reportId.split("/").at(-1) ?? reportId;
}

/** "html, line 4" or "html, lines 4, 9; json, line 2" ("line 3" in the log). */
function places(hits: readonly SecretHit[], log: boolean): string {
  const byOutput = new Map<string, number[]>();
  for (const hit of hits) {
    const lines = byOutput.get(hit.output) ?? [];
    if (!lines.includes(hit.line)) lines.push(hit.line);
    byOutput.set(hit.output, lines);
  }
  return [...byOutput]
    .map(([output, lines]) => {
      const at = `${lines.length === 1 ? "line" : "lines"} ${lines.join(", ")}`;
      return log ? at : `${output}, ${at}`;
    })
    .join("; ");
}

/** A predicate telling the allowed secrets: by fingerprint hash, or by a regex over the value. */
function allowRules(rules: ValidationSettings["allowSecrets"]): (hit: SecretHit) => boolean {
  const hashes = new Set(
    rules.flatMap((r) => (r.fingerprint !== undefined ? [r.fingerprint] : [])),
  );
  const patterns = rules.flatMap((r) => {
    if (r.pattern === undefined) return [];
    try {
      return [new RegExp(r.pattern)];
    } catch {
      // An invalid pattern allows nothing: failing closed keeps the secret blocked.
      return [];
    }
  });
  return (hit) =>
    hashes.has(hashPart(hit.fingerprint)) || patterns.some((pattern) => pattern.test(hit.value));
}

/** The `sha256:xxxxxxxx` part of a masked fingerprint. */
function hashPart(fingerprint: string): string {
  return /sha256:[0-9a-f]+$/.exec(fingerprint)?.[0] ?? fingerprint;
}

/** The section quoting a value and, when finding evidence quotes it, that evidence's file:line. */
function originOf(
  document: ReportDocument,
  value: string,
): { section: string; source?: string } | undefined {
  for (const section of document.sections) {
    for (const block of section.blocks) {
      if (!quotes(block, value)) continue;
      const source = evidenceSource(block, value);
      return source !== undefined ? { section: section.id, source } : { section: section.id };
    }
  }
  return undefined;
}

/** True when a block's text holds the value, however a rendition wrapped or escaped it. */
function quotes(block: Block, value: string): boolean {
  return canonicalSecret(JSON.stringify(block)).includes(canonicalSecret(value));
}

/** `file:line` of the first finding evidence quoting the value. */
function evidenceSource(block: Block, value: string): string | undefined {
  if (block.type !== "findings") return undefined;
  for (const finding of block.findings) {
    const secret = canonicalSecret(value);
    const holds = (text: string) => canonicalSecret(text).includes(secret);
    const hit = finding.evidence.find((e) => holds(e.text) || holds(finding.title));
    if (hit !== undefined)
      return hit.source.line !== undefined
        ? `${hit.source.file}:${hit.source.line}`
        : hit.source.file;
  }
  return undefined;
}
