// Benchmark: render every report of the reference portfolio to email HTML + plain text + PNG
// charts + an assembled .eml (Chromium PDF excluded), per report and in total. Prints medians over
// several runs after one warm-up, and ratios to two floors measured in the same run: MJML
// compiling the same generated source alone, and Vega + resvg drawing the same charts alone.
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const workspace = fileURLToPath(new URL("../examples/portfolio/", import.meta.url));

const { collectWorkspace, composeReports } = await import(dist("run.js"));
const { renderReport } = await import(dist("adapters/render/render-report.js"));
const { assembleMessage } = await import(dist("adapters/render/message.js"));
const { renderChart } = await import(dist("adapters/render/charts.js"));
const { buildEmailMjml } = await import(dist("core/render/email-mjml.js"));
const { default: mjml2html } = await import("mjml");

const collected = await collectWorkspace({
  workspace,
  environment: {},
  period: "2026-10",
  tenant: "portfolio",
});
const documents = composeReports(collected).flatMap((t) => t.reports);
const envelope = {
  from: { name: "exec-intel", email: "reports@example.com" },
  to: [{ name: "Owner", email: "owner@example.com" }],
  date: new Date("2026-11-01T08:00:00Z"),
};
const chartsOf = (d) =>
  d.sections.flatMap((s) => s.blocks.flatMap((b) => (b.type === "chart" ? [b.chart] : [])));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const full = new Map(documents.map((d) => [d.role, []]));
const mjmlOnly = new Map(documents.map((d) => [d.role, []]));
const chartsOnly = new Map(documents.map((d) => [d.role, []]));
const totals = [];
for (let run = -1; run < RUNS; run++) {
  let total = 0;
  for (const d of documents) {
    const ms = await time(async () => assembleMessage(await renderReport(d), envelope));
    const source = buildEmailMjml(d, { images: [] });
    const mjmlMs = await time(() => mjml2html(source, { validationLevel: "skip", fonts: {} }));
    const chartMs = await time(() =>
      Promise.all(chartsOf(d).map((c) => renderChart(c, `${d.role}-${c.id}`))),
    );
    if (run >= 0) {
      full.get(d.role).push(ms);
      mjmlOnly.get(d.role).push(mjmlMs);
      chartsOnly.get(d.role).push(chartMs);
    }
    total += ms;
  }
  if (run >= 0) totals.push(total);
}

console.log(
  `render benchmark: ${documents.length} reports, median of ${RUNS} runs after a warm-up`,
);
console.log("report       full ms  mjml-only ms  charts-only ms  charts  full/(mjml+charts)");
for (const d of documents) {
  const f = median(full.get(d.role));
  const m = median(mjmlOnly.get(d.role));
  const c = median(chartsOnly.get(d.role));
  console.log(
    `${d.role.padEnd(12)} ${f.toFixed(1).padStart(7)}  ${m.toFixed(1).padStart(12)}  ${c.toFixed(1).padStart(14)}  ${String(chartsOf(d).length).padStart(6)}  ${(f / (m + c)).toFixed(2).padStart(18)}`,
  );
}
const total = median(totals);
console.log(
  `total ${total.toFixed(1)} ms, ${(total / documents.length).toFixed(1)} ms per report (target < 300 ms per report)`,
);
