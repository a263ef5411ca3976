// Benchmark: the dashboard under load. A store holding 24 months of runs for 20 tenants (each
// month one run archiving a CEO and a CTO report per tenant: 480 manifests, 1,920 archived
// report files, 20 tasks and 24 period snapshots per tenant), 50 signed-in clients (each its
// own session, spread over the tenants) requesting pages for BENCH_SECONDS (30) each with
// autocannon on loopback. Pages: the tenant overview, a report page, the archived report email
// (about 95 KB) and the task board. The peer measured in the same run is the floor of the
// machine: a bare node:http server answering the same email HTML from memory.
//
// Two processes: this one drives autocannon; `node bench/serve.js server DIR` hosts the dashboard
// and the floor server, so their CPU is not shared with the load generator's event loop.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 20);
const MONTHS = Number(process.env.BENCH_MONTHS ?? 24);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SELF = fileURLToPath(import.meta.url);
const REPO = fileURLToPath(new URL("../", import.meta.url));
const dist = (file) => new URL(`../dist/${file}`, import.meta.url).href;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const tenantId = (t) => `tenant-${String(t).padStart(2, "0")}`;
const sessionOf = (client) => `bench-session-${String(client).padStart(3, "0")}-0123456789abcdef`;
/** Month `m` (0 = oldest) as `YYYY-MM`, ending with 2026-10. */
const periodOf = (m) => {
  const index = 2026 * 12 + 9 - (MONTHS - 1 - m);
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
};

/** The next connection's client number (each autocannon connection is one signed-in client). */
let nextClient = 0;

if (process.argv[2] === "server") await hostServers(process.argv[3]);
else await main();

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), "exec-intel-bench-serve-"));
  try {
    const sample = await sampleReports(dir);
    const started = performance.now();
    await buildStore(dir, sample);
    console.log(
      `store: ${TENANTS} tenants × ${MONTHS} months = ${TENANTS * MONTHS} manifests, built in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const results = [];
    for (let run = 0; run < RUNS; run++) results.push(await measure(dir));
    const rows = Object.keys(results[0]);
    console.log(
      `\n${CLIENTS} clients, ${SECONDS} s per page, median of ${RUNS} run(s); target: p99 under 100 ms for report and board pages`,
    );
    console.log("page                     req/s   p50 ms   p99 ms   errors");
    for (const page of rows) {
      const pick = (k) => median(results.map((r) => r[page][k]));
      console.log(
        `${page.padEnd(22)} ${String(Math.round(pick("rps"))).padStart(7)} ${String(pick("p50")).padStart(8)} ${String(pick("p99")).padStart(8)} ${String(pick("errors")).padStart(8)}`,
      );
    }
    const floor = median(results.map((r) => r["floor (same HTML)"].rps));
    const email = median(results.map((r) => r["report email"].rps));
    console.log(`\nreport email ÷ floor: ${(email / floor).toFixed(2)} of the bare server's rate`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The reference portfolio's CEO and CTO reports as previewed (HTML, JSON, charts). */
async function sampleReports(dir) {
  const out = path.join(dir, "sample");
  const child = spawn(
    process.execPath,
    [
      path.join(REPO, "bin/exec-intel.js"),
      "preview",
      "-w",
      path.join(REPO, "examples/portfolio"),
      "--period",
      "2026-10",
      "--tenant",
      "portfolio",
      "--no-pdf",
      "--out",
      out,
    ],
    { stdio: "ignore" },
  );
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`preview failed with exit ${code}: run npm run demo first`);
  const folder = path.join(out, "portfolio", "2026-10");
  const read = (name) => readFile(path.join(folder, name));
  return {
    ceo: { html: await read("ceo-report.html"), json: await read("ceo-report.json") },
    cto: { html: await read("cto-report.html"), json: await read("cto-report.json") },
  };
}

async function buildStore(dir, sample) {
  const workspace = path.join(dir, "ws");
  await mkdir(workspace, { recursive: true });
  const tenants = Array.from({ length: TENANTS }, (_, t) => [
    `  - id: ${tenantId(t)}`,
    `    name: Bench Tenant ${t}`,
    "    entities: [{ id: main, name: Main Business, kind: business }]",
    "    roles:",
    `      ceo: { recipients: [{ name: Owner, email: ceo@${tenantId(t)}.example.com }] }`,
    `      cto: { recipients: [{ name: Tech, email: cto@${tenantId(t)}.example.com }] }`,
  ]).flat();
  await writeFile(
    path.join(workspace, "exec-intel.yaml"),
    ["version: 1", "tenants:", ...tenants, ""].join("\n"),
  );
  const state = path.join(workspace, ".exec-intel", "state.sqlite");
  const { openRunHistory } = await import(dist("adapters/store/run-history.js"));
  const { openFollowUpStore } = await import(dist("adapters/store/follow-up-store.js"));
  const { openSessionStore } = await import(dist("adapters/store/session-store.js"));
  const { createFsArchive } = await import(dist("adapters/archive/fs-archive.js"));
  const { hashSecret } = await import(dist("server/security.js"));
  const archive = createFsArchive(path.join(workspace, ".exec-intel", "archive"));
  const history = openRunHistory(state);
  const followUp = openFollowUpStore(state);
  const sessions = openSessionStore(state);
  const ceoDocument = JSON.parse(sample.ceo.json.toString("utf8"));
  for (let m = 0; m < MONTHS; m++) {
    const period = periodOf(m);
    const day = `${periodOf(Math.min(m + 1, MONTHS - 1))}-0${1 + (m % 9)}`;
    const runId = `${day.replaceAll("-", "")}T080000Z-bench${String(m).padStart(3, "0")}`;
    history.start({ runId, startedAt: `${day}T08:00:00.000Z`, period, tenants: [], logFile: null });
    const manifests = [];
    for (let t = 0; t < TENANTS; t++) {
      const tenant = tenantId(t);
      const objects = [];
      for (const role of ["ceo", "cto"]) {
        for (const [format, body, type] of [
          ["html", sample[role].html, "text/html"],
          ["json", sample[role].json, "application/json"],
        ]) {
          const key = `${tenant}/${day}/${role}-report.${format}`;
          await archive.putIfAbsent({ key, body, contentType: type });
          objects.push({
            key,
            uri: key,
            role,
            report: `${tenant}/${period}/${role}`,
            format,
            contentType: type,
            bytes: body.length,
            sha256: "",
          });
        }
      }
      const manifest = {
        format: "exec-intel/manifest@1",
        runId,
        tool: { name: "exec-intel", version: "bench" },
        workspace: { gitCommit: null, dirty: null },
        generatedAt: `${day}T08:00:00.000Z`,
        period,
        tenant: { id: tenant, name: `Bench Tenant ${t}` },
        archive: { driver: "fs", location: "bench" },
        sources: [],
        validation: { ok: true, problems: [], warnings: [], downgraded: [] },
        objects,
        deliveries: [],
        deliveryStopped: null,
        related: [],
      };
      const key = `${tenant}/${day}/manifest.json`;
      await archive.putIfAbsent({
        key,
        body: Buffer.from(JSON.stringify(manifest)),
        contentType: "application/json",
      });
      manifests.push({ tenant, key, sha256: "" });
      const figures = ceoDocument.sections
        .flatMap((s) => s.blocks)
        .filter((b) => b.type === "figures")
        .flatMap((b) => b.figures)
        .map((f) => ({
          id: f.id,
          label: f.label,
          value: f.value * (0.8 + m / (MONTHS * 2.5)),
          unit: f.unit,
        }));
      followUp.saveSnapshot(tenant, {
        period,
        runId,
        recordedAt: `${day}T08:00:00.000Z`,
        findings: [],
        figures,
      });
    }
    history.finish(runId, {
      finishedAt: `${day}T08:05:00.000Z`,
      status: "finished",
      validation: "passed",
      reports: TENANTS * 2,
      sent: 0,
      failed: 0,
      archive: "bench",
      manifests,
    });
  }
  for (let t = 0; t < TENANTS; t++) {
    followUp.sync(
      tenantId(t),
      () =>
        Array.from({ length: 20 }, (_, i) => ({
          kind: "create",
          content: {
            fingerprint: `bench:${i}`,
            title: `Bench task ${i} of ${tenantId(t)}`,
            action: "Act on it.",
            owner: i % 2 === 0 ? "ceo" : "cto",
            severity: i % 3 === 0 ? "critical" : "high",
            due: "2026-11-30",
            report: `${tenantId(t)}/2026-10/cto`,
            section: "security-gaps",
            lastPeriod: "2026-10",
          },
        })),
      "run:bench",
      "2026-11-01T08:00:00.000Z",
    );
  }
  for (let c = 0; c < CLIENTS; c++) {
    sessions.startSession(
      hashSecret(sessionOf(c)),
      `ceo@${tenantId(c % TENANTS)}.example.com`,
      "2026-11-01T00:00:00.000Z",
      "2099-01-01T00:00:00.000Z",
    );
  }
  history.close();
  followUp.close();
  sessions.close();
}

/** One run: a fresh server process, then each page under load. */
async function measure(dir) {
  const child = spawn(process.execPath, [SELF, "server", path.join(dir, "ws")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const [urls] = await once(lines, "line");
  const { dashboard, floor } = JSON.parse(urls);
  try {
    const pages = {
      overview: (t) => `/t/${tenantId(t)}`,
      "report page": (t) => `/t/${tenantId(t)}/r/2026-10/ceo`,
      "report email": (t) => `/t/${tenantId(t)}/r/2026-10/ceo/email`,
      "task board": (t) => `/t/${tenantId(t)}/tasks`,
    };
    const results = {};
    for (const [name, pathOf] of Object.entries(pages))
      results[name] = await load(dashboard, pathOf);
    results["floor (same HTML)"] = await load(floor, () => "/");
    return results;
  } finally {
    child.kill();
    await once(child, "exit");
  }
}

async function load(base, pathOf) {
  const result = await autocannon({
    url: base,
    connections: CLIENTS,
    duration: SECONDS,
    requests: [
      {
        setupRequest: (request, context) => {
          // Each connection is one client: its own session, its own tenant.
          if (context.client === undefined) {
            context.client = nextClient;
            nextClient = (nextClient + 1) % CLIENTS;
          }
          return {
            ...request,
            path: pathOf(context.client % TENANTS),
            headers: {
              ...request.headers,
              cookie: `exec_intel_session=${sessionOf(context.client)}`,
            },
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function hostServers(workspace) {
  const { serveDashboard } = await import(dist("entry/serve.js"));
  const { url, stop } = await serveDashboard({ workspace, env: {}, host: "127.0.0.1", port: 0 });
  const folder = path.join(workspace, ".exec-intel", "archive", tenantId(0));
  const [day] = (await readdir(folder)).sort();
  const html = await readFile(path.join(folder, day, "ceo-report.html"));
  const floor = http.createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(html);
  });
  await new Promise((resolve) => floor.listen(0, "127.0.0.1", resolve));
  console.log(
    JSON.stringify({ dashboard: url, floor: `http://127.0.0.1:${floor.address().port}` }),
  );
  process.once("SIGTERM", async () => {
    floor.close();
    await stop();
    process.exit(0);
  });
}
