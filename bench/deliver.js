// Benchmark: deliver 10,000 report emails through the real delivery path (deliverReports with the
// SQLite ledger, token bucket, retries, the SES transport and the AWS SDK) to the aws-ses-v2-local
// emulator, through the test suite's fault proxy failing 10% of SendEmail requests with transient
// errors, at a configured rate of 200/s. The reference portfolio's reports are rendered once and
// the messages are shared evenly between them, one recipient each. Prints achieved rate ÷
// configured rate, duplicates and losses counted at the peer, peak RSS of the delivering process,
// and medians over runs. Ceilings measured in the same session put the rate in context: how fast
// the emulator alone accepts these messages (several concurrent senders, no ledger, pacing or
// faults), how fast message building alone (each report's body once, a header block per
// recipient, as delivery does) goes, and what the same delivery reaches against a peer that
// answers at once.
//
// Every subject runs BENCH_RUNS times (5 by default), each run in fresh processes. Knobs:
// BENCH_MESSAGES, BENCH_RATE, BENCH_FAULTS, BENCH_SENDERS, BENCH_CEILING_MESSAGES and
// BENCH_INSTANT_MESSAGES (0 skips either), BENCH_PROFILE. Writes the result for `npm run bench`
// when BENCH_RESULT_FILE is set (see lib.js).
//
// One file, three kinds of process: the orchestrator (this, with the fault proxy in it), the
// emulator host (`emulator`) and the delivering process (`deliver`, or `ceilings`), so each one's
// CPU and memory are its own.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { median, range, writeResult } from "./lib.js";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
// Runs of every subject: the delivery, the emulator alone, building alone, the instant peer.
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const FAULTS = Number(process.env.BENCH_FAULTS ?? 0.1);
// Messages sent straight to the emulator to find its own ceiling (0 skips it).
const CEILING_MESSAGES = Number(process.env.BENCH_CEILING_MESSAGES ?? 500);
const CEILING_SENDERS = 8;
// Messages delivered by deliverReports to a peer that answers at once (0 skips it).
const INSTANT_MESSAGES = Number(process.env.BENCH_INSTANT_MESSAGES ?? 2_000);
// Messages in flight in the delivering process (unset: the configured default).
const SENDERS =
  process.env.BENCH_SENDERS === undefined ? undefined : Number(process.env.BENCH_SENDERS);
const PERIOD = "2026-10";
const SELF = fileURLToPath(import.meta.url);
const dist = (file) => new URL(`../dist/${file}`, import.meta.url).href;
const CREDENTIALS = { AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench" };

const mb = (kb) => Math.round(kb / 1024);
const count = (n) => Math.round(n).toLocaleString("en-US");

/** Recipient `i` of a role; unique across roles, so a stored message names its delivery. */
const recipient = (role, i) => `${role}-${i}@bench.example.com`;

/** Recipients per report, in report order: `total` split as evenly as the reports allow. */
function recipientsPerReport(roles, total) {
  return roles.map((_, r) => Math.floor(total / roles.length) + (r < total % roles.length ? 1 : 0));
}

/** Every planned recipient address, report by report. */
function plannedRecipients(roles, total) {
  const perReport = recipientsPerReport(roles, total);
  return roles.flatMap((role, r) =>
    Array.from({ length: perReport[r] }, (_, i) => recipient(role, i)),
  );
}

/** The reference portfolio's reports, computed and rendered once (no PDF), and its config. */
async function renderOnce() {
  const { collectWorkspace, composeReports } = await import(dist("run.js"));
  const { renderReport } = await import(dist("adapters/render/render-report.js"));
  const collected = await collectWorkspace({
    workspace: fileURLToPath(new URL("../examples/portfolio/", import.meta.url)),
    environment: {},
    period: PERIOD,
    tenant: "portfolio",
  });
  const reports = [];
  for (const document of composeReports(collected).flatMap((t) => t.reports)) {
    reports.push(await renderReport(document, { pdf: false }));
  }
  return { config: collected.config, reports };
}

function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---- emulator host -------------------------------------------------------------------------

/**
 * aws-ses-v2-local as it runs from its CLI, except that each stored message keeps only its
 * envelope, subject and id once accepted: 10,000 full copies would need gigabytes, and `/store`
 * could not serialise them into one string.
 */
async function hostEmulator() {
  const require = createRequire(import.meta.url);
  const store = require("aws-ses-v2-local/dist/store.js");
  const save = store.saveEmail;
  store.saveEmail = (email) => {
    save(email);
    email.body = {};
    email.attachments = [];
  };
  const server = await require("aws-ses-v2-local").default({ host: "127.0.0.1", port: 0 });
  emit({ port: server.address().port });
}

// ---- delivering processes ------------------------------------------------------------------

/** The whole batch through deliverReports, the way `exec-intel run` delivers. */
async function deliver() {
  const { deliverReports } = await import(dist("deliver.js"));
  const { config, reports } = await renderOnce();
  const rssAfterRender = process.memoryUsage().rss / 1024;
  const perReport = recipientsPerReport(reports, MESSAGES);
  const [tenant] = config.tenants;
  const roles = Object.fromEntries(
    reports.map((report, r) => {
      const role = report.document.role;
      const recipients = Array.from({ length: perReport[r] }, (_, i) => ({
        name: `Reader ${role} ${i}`,
        email: recipient(role, i),
      }));
      return [role, { ...tenant.roles[role], recipients }];
    }),
  );
  const workspace = await mkdtemp(path.join(tmpdir(), "exec-intel-bench-deliver-"));
  let retries = 0;
  let backoffMs = 0;
  try {
    const started = performance.now();
    const outcome = await deliverReports({
      config: {
        ...config,
        transport: {
          ...config.transport,
          driver: "ses",
          ses: { endpoint: process.env.BENCH_ENDPOINT, region: "eu-west-1" },
          rate: RATE,
          ...(SENDERS !== undefined ? { concurrency: SENDERS } : {}),
        },
      },
      workspace,
      period: PERIOD,
      runId: `bench-${Date.now()}`,
      tenants: [{ tenant: { ...tenant, roles }, reports }],
      env: process.env,
      now: () => new Date(),
      log: (line) => {
        const delay = / retrying in (\d+) ms$/.exec(line);
        if (delay === null) return;
        retries += 1;
        backoffMs += Number(delay[1]);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const byStatus = {};
    for (const d of outcome.deliveries) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
    emit({
      seconds,
      planned: outcome.deliveries.length,
      byStatus,
      notSent: outcome.deliveries
        .filter((d) => d.status !== "sent")
        .map((d) => ({ recipient: d.recipient, status: d.status })),
      stopped: outcome.stopped ?? null,
      attempts: outcome.deliveries.reduce((sum, d) => sum + d.attempts, 0),
      retries,
      backoffMs,
      roles: reports.map((r) => r.document.role),
      senders: SENDERS ?? config.transport.concurrency,
      rssAfterRenderKb: rssAfterRender,
      peakRssKb: process.resourceUsage().maxRSS,
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/** Message building alone, then the emulator alone with several senders and nothing else. */
async function ceilings() {
  const { prepareMessage } = await import(dist("adapters/render/message.js"));
  const { createSesTransport } = await import(dist("adapters/deliver/ses-transport.js"));
  const { config, reports } = await renderOnce();
  const messages = [];
  const started = performance.now();
  const templates = await Promise.all(
    reports.map((report) => prepareMessage(report, { from: config.transport.from })),
  );
  for (let i = 0; i < CEILING_MESSAGES; i++) {
    const report = reports[i % reports.length];
    const to = recipient(report.document.role, i);
    const messageId = `<ceiling.${i}@bench.example.com>`;
    const raw = templates[i % reports.length].forRecipients(
      [{ name: `Reader ${i}`, email: to }],
      messageId,
      new Date(),
    );
    const key = {
      tenant: "portfolio",
      period: PERIOD,
      report: report.document.role,
      recipient: to,
    };
    messages.push({ key, raw, from: config.transport.from.email, to: [to], messageId, tags: {} });
  }
  const assembleSeconds = (performance.now() - started) / 1000;
  const ses = createSesTransport({ endpoint: process.env.BENCH_ENDPOINT, region: "eu-west-1" });
  const queue = [...messages];
  const sendStarted = performance.now();
  let failed = 0;
  await Promise.all(
    Array.from({ length: CEILING_SENDERS }, async () => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        if ((await ses.send(m)).status !== "sent") failed += 1;
      }
    }),
  );
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  await ses.close();
  emit({
    assemblePerSecond: CEILING_MESSAGES / assembleSeconds,
    emulatorPerSecond: CEILING_MESSAGES / sendSeconds,
    rawBytes: messages.reduce((sum, m) => sum + m.raw.length, 0) / messages.length,
    failed,
  });
}

// ---- orchestrator --------------------------------------------------------------------------

/** Starts `node bench/deliver.js <mode>`; resolves with its first stdout line, parsed. */
function start(mode, env = {}) {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"] : []), SELF, mode],
    {
      env: { ...process.env, ...CREDENTIALS, AWS_REGION: "eu-west-1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, "exit");
  const firstLine = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => resolve(JSON.parse(line)));
    exited.then(([code]) => reject(new Error(`bench ${mode} exited (${code}): ${stderr}`)));
  });
  return { child, exited, firstLine };
}

/** The emulator host on a free port; `recipients()` lists the To of every message it holds. */
async function startEmulator() {
  const { child, exited, firstLine } = start("emulator", {
    AWS_SES_ACCOUNT: JSON.stringify(EMULATED_ACCOUNT),
  });
  const { port } = await firstLine;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async recipients() {
      const res = await fetch(`${url}/store`);
      if (!res.ok) throw new Error(`GET /store answered ${res.status}`);
      return (await res.json()).emails.map((email) =>
        email.destination.to.map((a) => /<([^>]+)>/.exec(a)?.[1] ?? a).join(","),
      );
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A peer that takes every SendEmail at once, reading nothing but its Destination: what the
 * delivery path itself can do when the peer is not the bottleneck.
 */
async function startInstantPeer() {
  const accepted = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      let answer = EMULATED_ACCOUNT;
      if (req.url.startsWith("/v2/email/outbound-emails")) {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        accepted.push(body.Destination.ToAddresses.join(","));
        answer = { MessageId: `instant-${accepted.length}` };
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    recipients: async () => accepted,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function measureCeilings() {
  const emulator = await startEmulator();
  try {
    const result = await start("ceilings", { BENCH_ENDPOINT: emulator.url }).firstLine;
    const stored = (await emulator.recipients()).length;
    if (stored !== CEILING_MESSAGES - result.failed) {
      throw new Error(`ceilings: the emulator holds ${stored} of ${CEILING_MESSAGES} messages`);
    }
    return result;
  } finally {
    await emulator.stop();
  }
}

/**
 * One delivery of `messages` through the fault proxy to a fresh `peer` with a fresh ledger;
 * counts at the peer what arrived, once, twice or not at all.
 */
async function measureRun(peer, messages, seed) {
  // The shares of each transient fault add up to FAULTS.
  const rates = { throttle: FAULTS * 0.4, serverError: FAULTS * 0.4, reset: FAULTS * 0.2 };
  const proxy = await startFaultProxy({ target: peer.url, rates, seed });
  try {
    const result = await start("deliver", {
      BENCH_ENDPOINT: proxy.url,
      BENCH_MESSAGES: String(messages),
    }).firstLine;
    const copies = new Map();
    for (const to of await peer.recipients()) copies.set(to, (copies.get(to) ?? 0) + 1);
    const planned = plannedRecipients(result.roles, messages);
    const plannedSet = new Set(planned);
    const notSent = new Set(result.notSent.map((d) => d.recipient));
    const missing = planned.filter((to) => !copies.has(to));
    const sends = proxy.log.filter((e) => e.path.startsWith("/v2/email/outbound-emails"));
    return {
      ...result,
      rate: result.planned / result.seconds,
      duplicates: [...copies.values()].reduce((sum, n) => sum + n - 1, 0),
      strays: [...copies.keys()].filter((to) => !plannedSet.has(to)).length,
      // At the peer nowhere, yet the ledger says sent: lost silently.
      lost: missing.filter((to) => !notSent.has(to)).length,
      // Not sent this run but pending in the ledger, so the next run sends it.
      leftPending: missing.filter((to) => notSent.has(to)).length,
      requests: sends.length,
      faults: sends.filter((e) => e.fault !== "none").length,
    };
  } finally {
    await proxy.close();
    await peer.stop();
  }
}

let EMULATED_ACCOUNT;
let startFaultProxy;

async function orchestrate() {
  // The proxy and the emulated account are the test suite's own (TypeScript, loaded through tsx).
  const { register } = await import("tsx/esm/api");
  register();
  ({ EMULATED_ACCOUNT } = await import("../test/helpers/ses-emulator.ts"));
  ({ startFaultProxy } = await import("../test/helpers/fault-proxy.ts"));

  const loadBefore = loadavg();
  const ceilings = [];
  for (let run = 0; CEILING_MESSAGES > 0 && run < RUNS; run++) {
    ceilings.push(await measureCeilings());
  }
  const instants = [];
  for (let run = 0; INSTANT_MESSAGES > 0 && run < RUNS; run++) {
    instants.push(await measureRun(await startInstantPeer(), INSTANT_MESSAGES, 20_261_099 - run));
  }
  const runs = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await measureRun(await startEmulator(), MESSAGES, 20_261_100 + run);
    runs.push(result);
    process.stderr.write(
      `run ${run + 1}/${RUNS}: ${result.rate.toFixed(1)} messages/s over ${result.seconds.toFixed(1)} s, ` +
        `${result.duplicates} duplicates, ${result.lost} lost, ${result.leftPending} left pending\n`,
    );
  }
  const loadAfter = loadavg();
  report({ runs, instants, ceilings, loadBefore, loadAfter });
}

/** Prints the figures and writes the result for `npm run bench`. */
function report({ runs, instants, ceilings, loadBefore, loadAfter }) {
  const m = (list, pick) => median(list.map(pick));
  const spread = (list, pick) =>
    range(list.map(pick))
      .map((x) => x.toFixed(1))
      .join("–");
  const rate = m(runs, (r) => r.rate);
  const ratio = rate / RATE;
  const deliveries = [...runs, ...instants];
  // Copies beyond the first, and messages to no planned recipient, are both duplicates.
  const duplicates = deliveries.reduce((sum, r) => sum + r.duplicates + r.strays, 0);
  const lost = deliveries.reduce((sum, r) => sum + r.lost, 0);
  const delivered = `${count(deliveries.reduce((sum, r) => sum + r.planned, 0))} messages in ${deliveries.length} deliver${deliveries.length === 1 ? "y" : "ies"}`;
  const met = (ok) => (ok ? "met" : "NOT met");
  const senders = runs[0].senders;
  const lines = [
    `deliver benchmark: ${count(MESSAGES)} messages (${runs[0].roles.length} reports rendered once, ` +
      `~${count(MESSAGES / runs[0].roles.length)} recipients each) to aws-ses-v2-local through the fault proxy ` +
      `(${Math.round(FAULTS * 100)}% transient faults: 429, 500, connection reset), configured rate ${RATE}/s, ` +
      `${senders} senders, median of ${RUNS} run${RUNS === 1 ? "" : "s"}, node ${process.version}`,
    `  achieved ${rate.toFixed(1)} messages/s (${spread(runs, (r) => r.rate)}; ${m(runs, (r) => r.seconds).toFixed(1)} s) = ${ratio.toFixed(2)} of the configured rate (target >= 0.95: ${met(ratio >= 0.95)})`,
    `  ${count(m(runs, (r) => r.requests))} SendEmail requests, ${count(m(runs, (r) => r.faults))} faulted; ` +
      `${count(m(runs, (r) => r.retries))} retries, ${(m(runs, (r) => r.backoffMs) / 1000).toFixed(1)} s of backoff in all`,
    `  duplicates at the peers: ${duplicates} (target 0: ${met(duplicates === 0)}); ` +
      `lost: ${lost} (target 0: ${met(lost === 0)}), over ${delivered}; ` +
      `left pending for the next run: ${Math.max(...deliveries.map((r) => r.leftPending))}`,
    `  peak RSS of the delivering process: ${mb(Math.max(...runs.map((r) => r.peakRssKb)))} MB ` +
      `(${mb(m(runs, (r) => r.rssAfterRenderKb))} MB after rendering the reports)`,
    ceilings.length === 0
      ? "  ceilings: skipped (BENCH_CEILING_MESSAGES=0)"
      : `  ceilings (${count(CEILING_MESSAGES)} messages of ~${Math.round(ceilings[0].rawBytes / 1024)} KB): ` +
        `the emulator alone accepts ${m(ceilings, (c) => c.emulatorPerSecond).toFixed(1)}/s (${CEILING_SENDERS} concurrent senders, ` +
        `no ledger, pacing or faults); message building alone (body once per report) ${m(ceilings, (c) => c.assemblePerSecond).toFixed(1)}/s`,
    instants.length === 0
      ? "  instant peer: skipped (BENCH_INSTANT_MESSAGES=0)"
      : `  the same delivery of ${count(INSTANT_MESSAGES)} messages to a peer that answers at once: ` +
        `${m(instants, (r) => r.rate).toFixed(1)}/s = ${(m(instants, (r) => r.rate) / RATE).toFixed(2)} of the configured rate ` +
        `(${(m(instants, (r) => r.backoffMs) / 1000).toFixed(1)} s of ${m(instants, (r) => r.seconds).toFixed(1)} s in backoff)`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  const notes = [
    `load average (1 min) ${loadBefore[0].toFixed(2)} before the runs, ${loadAfter[0].toFixed(2)} after`,
    `${senders} senders in the delivering process${SENDERS === undefined ? " (transport.concurrency)" : ""}; per run of ${count(MESSAGES)} messages (medians): ` +
      `${count(m(runs, (r) => r.requests))} SendEmail requests, ${count(m(runs, (r) => r.faults))} of them faulted, ` +
      `${(m(runs, (r) => r.backoffMs) / 1000).toFixed(1)} s of backoff over ${m(runs, (r) => r.seconds).toFixed(1)} s`,
  ];
  if (ceilings.length === 0) notes.push("ceilings skipped (BENCH_CEILING_MESSAGES=0)");
  if (instants.length === 0) notes.push("instant peer skipped (BENCH_INSTANT_MESSAGES=0)");
  const pending = deliveries.reduce((sum, r) => sum + r.leftPending, 0);
  if (pending > 0) notes.push(`${pending} messages left pending in the ledger for a next run`);
  const faults = `${Math.round(FAULTS * 100)}% transient faults`;
  const cases = [
    {
      name: `${count(MESSAGES)} messages to aws-ses-v2-local through the fault proxy (${faults}), configured ${RATE}/s`,
      unit: "messages/s",
      subjects: [
        {
          name: "exec-intel",
          runs: runs.map((r) => r.rate),
          peakRssKb: Math.max(...runs.map((r) => r.peakRssKb)),
          detail: `${ratio.toFixed(2)} of the configured rate`,
        },
      ],
    },
  ];
  if (ceilings.length > 0) {
    cases[0].subjects.push({
      name: `aws-ses-v2-local alone (${CEILING_SENDERS} senders, no ledger, pacing or faults)`,
      runs: ceilings.map((c) => c.emulatorPerSecond),
      peakRssKb: null,
      detail: `${count(CEILING_MESSAGES)} messages of ~${Math.round(ceilings[0].rawBytes / 1024)} KB`,
    });
  }
  if (instants.length > 0) {
    const instantRate = m(instants, (r) => r.rate);
    cases.push({
      name: `${count(INSTANT_MESSAGES)} messages to a peer that answers at once (${faults}), configured ${RATE}/s`,
      unit: "messages/s",
      subjects: [
        {
          name: "exec-intel",
          runs: instants.map((r) => r.rate),
          peakRssKb: Math.max(...instants.map((r) => r.peakRssKb)),
          detail: `${(instantRate / RATE).toFixed(2)} of the configured rate`,
        },
      ],
    });
  }
  // Message building is the ceiling of the delivery to the instant peer, when that ran.
  if (ceilings.length > 0) {
    cases.at(-1).subjects.push({
      name: "message building alone (body once per report)",
      runs: ceilings.map((c) => c.assemblePerSecond),
      peakRssKb: null,
    });
  }
  writeResult({
    id: "deliver",
    title: `Deliver: ${count(MESSAGES)} messages to the SES emulator with ${faults}`,
    command: "npm run bench:deliver",
    cases,
    targets: [
      {
        text: "achieved ÷ configured rate ≥ 0.95 (issue 6)",
        actual: `${ratio.toFixed(2)} (${rate.toFixed(1)} of ${RATE}/s)`,
        met: ratio >= 0.95,
      },
      { text: "0 duplicates", actual: `${duplicates} in ${delivered}`, met: duplicates === 0 },
      { text: "0 losses", actual: `${lost} in ${delivered}`, met: lost === 0 },
    ],
    notes,
  });
}

const mode = process.argv[2];
if (mode === "emulator") await hostEmulator();
else if (mode === "deliver") await deliver();
else if (mode === "ceilings") await ceilings();
else await orchestrate();
