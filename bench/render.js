// Benchmark: render every report of the reference portfolio to email HTML + plain text + PNG
// charts + an assembled .eml (Chromium PDF excluded), per report and in total. Prints medians over
// several runs after one warm-up, and ratios to two floors measured in the same run: MJML
// compiling the same generated source alone, and Vega + resvg drawing the same charts alone.
// Writes the result for `npm run bench` when BENCH_RESULT_FILE is set (see lib.js).
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { median, range, writeResult } from "./lib.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 300;
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

async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const full = new Map(documents.map((d) => [d.role, []]));
const mjmlOnly = new Map(documents.map((d) => [d.role, []]));
const chartsOnly = new Map(documents.map((d) => [d.role, []]));
const totals = { full: [], mjml: [], charts: [] };
const loadBefore = loadavg();
for (let run = -1; run < RUNS; run++) {
  const total = { full: 0, mjml: 0, charts: 0 };
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
    total.full += ms;
    total.mjml += mjmlMs;
    total.charts += chartMs;
  }
  if (run >= 0) for (const key of Object.keys(totals)) totals[key].push(total[key]);
}
const loadAfter = loadavg();

console.log(
  `render benchmark: ${documents.length} reports, median of ${RUNS} runs after a warm-up`,
);
const width = Math.max(12, ...documents.map((d) => d.role.length + 1));
console.log(
  `${"report".padEnd(width)} full ms  mjml-only ms  charts-only ms  charts  full/(mjml+charts)`,
);
for (const d of documents) {
  const f = median(full.get(d.role));
  const m = median(mjmlOnly.get(d.role));
  const c = median(chartsOnly.get(d.role));
  console.log(
    `${d.role.padEnd(width)} ${f.toFixed(1).padStart(7)}  ${m.toFixed(1).padStart(12)}  ${c.toFixed(1).padStart(14)}  ${String(chartsOf(d).length).padStart(6)}  ${(f / (m + c)).toFixed(2).padStart(18)}`,
  );
}
const total = median(totals.full);
console.log(
  `total ${total.toFixed(1)} ms, ${(total / documents.length).toFixed(1)} ms per report (target < ${TARGET_MS} ms per report)`,
);

const ms = (x) => `${x.toFixed(1)} ms`;
const slowest = documents
  .map((d) => ({ role: d.role, ms: median(full.get(d.role)) }))
  .reduce((a, b) => (b.ms > a.ms ? b : a));
const perChart = documents.flatMap((d) =>
  chartsOf(d).length === 0 ? [] : [median(chartsOnly.get(d.role)) / chartsOf(d).length],
);
const perChartRange = perChart.length === 0 ? [0, 0] : range(perChart);
const chartCount = documents.reduce((sum, d) => sum + chartsOf(d).length, 0);
const charts = (d) => `${chartsOf(d).length} chart${chartsOf(d).length === 1 ? "" : "s"}`;
/** A case for one report: the full path, then its floors (the charts only if it has any). */
function reportCase(d, name) {
  const floors = median(mjmlOnly.get(d.role)) + median(chartsOnly.get(d.role));
  return {
    name,
    subjects: [
      {
        name: "exec-intel",
        runs: full.get(d.role),
        peakRssKb: null,
        detail: `${(median(full.get(d.role)) / floors).toFixed(2)}x the sum of its floors`,
      },
      { name: "MJML alone", runs: mjmlOnly.get(d.role), peakRssKb: null },
      ...(chartsOf(d).length === 0
        ? []
        : [{ name: "charts alone", runs: chartsOnly.get(d.role), peakRssKb: null }]),
    ],
  };
}
// Every report's figures are printed above; the result keeps the whole pass and the slowest
// report, the one the target turns on.
const slowestDocument = documents.find((d) => d.role === slowest.role);
const cases = [
  {
    name: `all ${documents.length} reports, one pass`,
    subjects: [
      {
        name: "exec-intel",
        runs: totals.full,
        peakRssKb: null,
        detail: `${ms(total / documents.length)} per report on average`,
      },
      { name: "MJML alone", runs: totals.mjml, peakRssKb: null },
      {
        name: "charts alone",
        runs: totals.charts,
        peakRssKb: null,
        detail: `${chartCount} charts, ${perChartRange[0].toFixed(1)}–${perChartRange[1].toFixed(1)} ms per chart`,
      },
    ],
  },
  reportCase(slowestDocument, `slowest report: ${slowest.role} (${charts(slowestDocument)})`),
];
const target = {
  text: `every report under ${TARGET_MS} ms on the 2-core machine (issue 4)`,
  actual: `slowest: ${slowest.role} ${ms(slowest.ms)}; ${ms(total / documents.length)} per report on average`,
  met: slowest.ms < TARGET_MS,
};
console.log(`target: ${target.text}: ${target.actual} -> ${target.met ? "met" : "NOT met"}`);
writeResult({
  id: "render",
  title: `Render: the ${documents.length} reports of the reference portfolio`,
  command: "npm run bench:render",
  cases,
  targets: [target],
  notes: [
    `medians of ${RUNS} passes after one warm-up pass, all in one process (so no peak RSS per subject; the whole process peaked at ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`,
    `load average (1 min) ${loadBefore[0].toFixed(2)} before the passes, ${loadAfter[0].toFixed(2)} after`,
  ],
});
