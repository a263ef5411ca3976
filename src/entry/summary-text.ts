import { plural } from "../core/analysis/common.js";
import type { GateProblem } from "../core/validate/types.js";
import type { summariseRun } from "../run.js";

type Summary = ReturnType<typeof summariseRun>;

/** Human-readable version of the run summary: counts, freshness and reports per tenant, then deliveries. */
export function formatModelSummary(summary: Summary): string {
  const blocked = "ok" in summary.validation && !summary.validation.ok;
  const lines = [
    summary.dryRun
      ? `Dry run ${summary.runId} for ${summary.period}: nothing written, nothing sent.`
      : blocked
        ? `Run ${summary.runId} for ${summary.period}: blocked by the gate, nothing archived or sent.`
        : `Run ${summary.runId} for ${summary.period}.`,
    "",
  ];
  for (const tenant of summary.tenants) {
    lines.push(`${tenant.name} (${tenant.id})`);
    const counts = Object.entries(tenant.counts).filter(([, n]) => n > 0);
    const width = Math.max(...counts.map(([name]) => name.length));
    for (const [name, count] of counts)
      lines.push(`  ${name.padEnd(width)}  ${String(count).padStart(7)}`);
    lines.push(
      `  ${"uncategorised".padEnd(width)}  ${String(tenant.uncategorisedTransactions).padStart(7)}  transactions with no category rule`,
    );
    lines.push("  sources:");
    for (const source of tenant.sources) {
      const age =
        source.asOf === undefined
          ? "no data"
          : `as of ${source.asOf} (${source.ageDays} day${source.ageDays === 1 ? "" : "s"} before period end)`;
      lines.push(
        `    ${source.status.padEnd(5)}  ${source.sourceId} [${source.type}] ${source.records} records, ${age}`,
      );
    }
    lines.push("  reports:");
    for (const report of tenant.reports) {
      lines.push(
        `    ${report.id}: ${plural(report.sections.length, "section")}, ${plural(report.figures.length, "figure")}, ${plural(report.findings.length, "finding")} — ${report.subject}`,
      );
    }
    lines.push("");
  }
  if (summary.archive !== null) {
    lines.push(`archived to ${summary.archive.location}:`);
    for (const manifest of summary.archive.manifests) lines.push(`  manifest ${manifest.key}`);
    lines.push("");
  }
  lines.push(...formatTasks(summary.tasks));
  if (!summary.dryRun && !blocked) lines.push(...formatDeliveries(summary.deliveries));
  return `${lines.join("\n")}\n`;
}

/** Tasks per tenant: what this run changed, then how many are still open. */
function formatTasks(tasks: Summary["tasks"]): string[] {
  return tasks.flatMap((tenant) => {
    const count = (kind: string) => tenant.changes.filter((c) => c.change === kind).length;
    const lines = [
      `tasks of ${tenant.tenant}: ${count("create")} created, ${count("refresh")} updated, ${count("resolve")} resolved in data, ${count("reopen")} reopened; ${tenant.open} open`,
    ];
    for (const c of tenant.changes.filter((c) => c.change !== "refresh"))
      lines.push(`  ${c.id.padEnd(5)} ${c.status.padEnd(16)} due ${c.due}  ${c.title}`);
    return [...lines, ""];
  });
}

/** Deliveries: one line each, then the totals that say whether a re-run has anything left to do. */
function formatDeliveries(deliveries: Summary["deliveries"]): string[] {
  const lines = ["deliveries:"];
  for (const d of deliveries) {
    const state = d.status === "sent" ? (d.sentNow ? "sent" : "already sent") : d.status;
    const detail = d.error !== null && d.status !== "sent" ? ` — ${d.error}` : "";
    lines.push(
      `  ${state.padEnd(12)} ${d.tenant}/${d.period}/${d.report} → ${d.recipient} (attempts ${d.attempts})${detail}`,
    );
  }
  const now = deliveries.filter((d) => d.sentNow).length;
  const before = deliveries.filter((d) => d.status === "sent" && !d.sentNow).length;
  const open = deliveries.length - now - before;
  lines.push(`sent ${now}, already sent ${before}, not sent ${open}`, "");
  return lines;
}

/** One gate problem as a compiler-style line and its fix: `credentials: portfolio/2026-10/cto#security-gaps: …`. */
export function formatGateProblem(problem: GateProblem): string {
  const where = [problem.report, problem.section].filter(Boolean).join("#");
  return `${problem.gate}: ${where !== "" ? `${where}: ` : ""}${problem.message}\n    fix: ${problem.fix}`;
}
