import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { RunManifest } from "../core/archive/manifest.js";
import type { Archive } from "../core/archive/ports.js";
import type { Config } from "../core/config.js";
import {
  accessOf,
  isUser,
  normaliseEmail,
  seesTask,
  type TenantAccess,
} from "../core/dashboard/access.js";
import type { Annotation, AnnotationStore, SessionStore } from "../core/dashboard/ports.js";
import type { DeliveryRow } from "../core/deliver/ports.js";
import type { FollowUpStore } from "../core/follow-up/ports.js";
import type { PeriodSnapshot } from "../core/follow-up/since-last-report.js";
import { PERSON_STATUSES, TASK_STATUSES, type Task } from "../core/follow-up/tasks.js";
import type { RunHistory } from "../core/history/ports.js";
import type { ReportDocument } from "../core/reports/document.js";
import { APP_CSS, esc, page, table } from "./html.js";
import {
  type ArchivedReport,
  type ArchiveReader,
  archivedReports,
  archiveReader,
  manifestsOf,
} from "./reports-index.js";
import {
  createRateLimiter,
  csrfMatches,
  csrfTokenOf,
  hashSecret,
  newSecret,
  REPORT_CSP,
  SECURITY_HEADERS,
} from "./security.js";
import { sparkline } from "./sparkline.js";

// The dashboard (`exec-intel serve`): server-rendered pages over what runs stored (history,
// archive, tasks, deliveries, annotations); it never recomputes a report. Every page but sign-in
// needs a session; a tenant or report the user may not see answers 404, as one that does not
// exist would, so the dashboard does not confirm what other tenants hold.

/** What the dashboard reads and writes, injected (adapters in production, the same in tests). */
export interface DashboardDeps {
  config: Pick<Config, "tenants">;
  history: RunHistory;
  archive: Archive;
  followUp: FollowUpStore;
  sessions: SessionStore;
  annotations: AnnotationStore;
  /** Delivery ledger rows of one tenant. */
  deliveries: (tenant: string) => DeliveryRow[];
  /** Sends the sign-in link through the configured transport. */
  sendSignInLink: (email: string, link: string, tenant: string) => Promise<void>;
  now: () => Date;
  /** Public origin for links in emails, e.g. `http://127.0.0.1:8787`. */
  origin: string;
  /** Minutes a sign-in link stays valid (15 by default). */
  linkMinutes?: number;
  /** Days a session lasts (7 by default). */
  sessionDays?: number;
}

const SESSION_COOKIE = "exec_intel_session";
/** Sign-in requests per email address, per 15 minutes. */
const SIGN_IN_LIMIT = 5;
const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Sign-in requests per connecting address (an office behind one NAT shares it), per 15 minutes. */
const CLIENT_LIMIT = 50;

type Env = { Variables: { email: string; sessionSecret: string } };

/** Builds the dashboard's Hono app. */
export function createDashboard(deps: DashboardDeps): Hono<Env> {
  const app = new Hono<Env>();
  const byAddress = createRateLimiter(SIGN_IN_LIMIT, SIGN_IN_WINDOW_MS);
  const byClient = createRateLimiter(CLIENT_LIMIT, SIGN_IN_WINDOW_MS);
  const secure = deps.origin.startsWith("https:");
  const reader = archiveReader(deps.archive);
  const iso = (offsetMs = 0) => new Date(deps.now().getTime() + offsetMs).toISOString();

  app.use("*", async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  });

  // Every state change must come from our own pages: same origin, and the session's CSRF token.
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      // Browsers say where a request comes from in Sec-Fetch-Site; older ones only in Origin.
      const site = c.req.header("sec-fetch-site");
      const origin = c.req.header("origin");
      const crossSite =
        site !== undefined
          ? site !== "same-origin" && site !== "none"
          : origin !== undefined && origin !== deps.origin && origin !== new URL(c.req.url).origin;
      if (crossSite) return c.text("Forbidden: cross-origin form", 403);
    }
    await next();
    return undefined;
  });

  app.get("/assets/app.css", (c) => {
    c.header("content-type", "text/css; charset=utf-8");
    c.header("cache-control", "public, max-age=3600");
    return c.body(APP_CSS);
  });

  app.get("/sign-in", (c) => c.html(signInPage()));

  app.post("/sign-in", async (c) => {
    const form = await c.req.parseBody();
    const email = typeof form.email === "string" ? normaliseEmail(form.email) : "";
    const client = clientAddress(c);
    const now = deps.now().getTime();
    if (!byClient.allow(client, now) || !byAddress.allow(email, now)) {
      return c.html(signInPage("Too many sign-in requests: wait 15 minutes and try again."), 429);
    }
    // The answer is the same for strangers, so the form does not tell who receives reports.
    if (/^[^\s@]+@[^\s@]+$/.test(email) && isUser(deps.config, email)) {
      const token = newSecret();
      await deps.sessions.issue(
        hashSecret(token),
        email,
        iso(),
        iso((deps.linkMinutes ?? 15) * 60_000),
      );
      const tenant = accessOf(deps.config, email)[0]?.tenant ?? "";
      await deps.sendSignInLink(email, `${deps.origin}/auth?token=${token}`, tenant);
    }
    return c.html(
      page(
        "Check your email",
        `<p class="notice">If ${esc(email)} receives reports, a sign-in link is on its way. It works once, for ${deps.linkMinutes ?? 15} minutes.</p>`,
      ),
    );
  });

  // Opening the link only shows a button: mail scanners that fetch every link in a message
  // (Outlook Safe Links, say) would otherwise spend the single-use token before its owner.
  app.get("/auth", (c) => {
    const token = c.req.query("token") ?? "";
    return c.html(
      page(
        "Sign in to exec-intel",
        `<form method="post" action="/auth" class="card"><input type="hidden" name="token" value="${esc(token)}"><p>This link signs you in once. Continue on this device?</p><p><button type="submit">Sign in</button></p></form>`,
      ),
    );
  });

  app.post("/auth", async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token : "";
    const email = token === "" ? undefined : await deps.sessions.redeem(hashSecret(token), iso());
    if (email === undefined)
      return c.html(
        page(
          "This link does not work",
          `<p>Sign-in links work once and expire after ${deps.linkMinutes ?? 15} minutes.</p><p><a href="/sign-in">Ask for a new one</a></p>`,
        ),
        400,
      );
    const session = newSecret();
    const days = deps.sessionDays ?? 7;
    await deps.sessions.startSession(hashSecret(session), email, iso(), iso(days * 86_400_000));
    setCookie(c, SESSION_COOKIE, session, {
      httpOnly: true,
      sameSite: "Lax",
      secure,
      path: "/",
      maxAge: days * 86_400,
    });
    return c.redirect("/", 303);
  });

  // Below: signed-in users only.
  app.use("*", async (c, next) => {
    const secret = getCookie(c, SESSION_COOKIE);
    const email =
      secret === undefined ? undefined : await deps.sessions.session(hashSecret(secret), iso());
    if (secret === undefined || email === undefined) {
      return c.req.method === "GET" ? c.redirect("/sign-in", 303) : c.text("Sign in first", 401);
    }
    if (c.req.method === "POST") {
      const form = await c.req.parseBody();
      if (!csrfMatches(secret, form.csrf))
        return c.text("Forbidden: stale or missing form token", 403);
    }
    c.set("email", email);
    c.set("sessionSecret", secret);
    await next();
    return undefined;
  });

  const user = (c: Context<Env>) => ({
    email: c.get("email"),
    csrf: csrfTokenOf(c.get("sessionSecret")),
  });
  const accessTo = (c: Context<Env>, tenant: string): TenantAccess | undefined =>
    accessOf(deps.config, c.get("email")).find((a) => a.tenant === tenant);
  const notFound = (c: Context<Env>) =>
    c.html(page("Not found", "<p>There is nothing here for you.</p>", user(c)), 404);

  app.post("/sign-out", async (c) => {
    await deps.sessions.endSession(hashSecret(c.get("sessionSecret")));
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure, httpOnly: true, sameSite: "Lax" });
    return c.redirect("/sign-in", 303);
  });

  app.get("/", (c) => {
    const tenants = accessOf(deps.config, c.get("email"));
    if (tenants.length === 1 && tenants[0] !== undefined)
      return c.redirect(`/t/${tenants[0].tenant}`, 303);
    const items = tenants
      .map((t) => `<li><a href="/t/${esc(t.tenant)}">${esc(t.tenantName)}</a></li>`)
      .join("");
    return c.html(page("Your reports", `<ul class="links">${items}</ul>`, user(c)));
  });

  app.get("/t/:tenant", async (c) => {
    const access = accessTo(c, c.req.param("tenant"));
    if (access === undefined) return notFound(c);
    const manifests = await manifestsOf(deps.history, reader, access.tenant);
    const reports = archivedReports(manifests).filter((r) => access.roles.includes(r.role));
    const tiles = await kpiTiles(deps, reader, access, reports);
    return c.html(page(access.tenantName, overview(access, manifests, reports, tiles), user(c)));
  });

  app.get("/t/:tenant/r/:period/:role", async (c) => {
    const found = await reportOf(c);
    if (found === undefined) return notFound(c);
    const { access, report } = found;
    const document =
      report.keys.json === undefined
        ? undefined
        : await reader.json<ReportDocument>(report.keys.json);
    const notes = await deps.annotations.list(access.tenant, {
      period: report.period,
      role: report.role,
    });
    return c.html(
      page(
        document?.title ?? `${report.role} report`,
        reportPage(access, report, document, notes, user(c).csrf),
        user(c),
      ),
    );
  });

  app.get("/t/:tenant/r/:period/:role/email", async (c) => {
    const found = await reportOf(c);
    const key = found?.report.keys.html;
    // Charts travel as cid: parts in the email; here they come from the archive beside it,
    // inlined: the report is sandboxed (an opaque origin), so the browser would fetch a chart
    // URL without the session cookie and be sent to the sign-in page instead.
    const body =
      key === undefined
        ? undefined
        : await reader.derived("web", key, (html) => inlineCharts(html, key, deps.archive));
    if (body === undefined) return notFound(c);
    c.header("content-security-policy", REPORT_CSP);
    c.header("x-frame-options", "SAMEORIGIN");
    return c.html(body);
  });

  app.get("/t/:tenant/r/:period/:role/chart/:file", async (c) => {
    const found = await reportOf(c);
    const file = c.req.param("file");
    const html = found?.report.keys.html;
    if (found === undefined || html === undefined || !/^[a-z0-9-]+\.png$/.test(file))
      return notFound(c);
    if (!file.startsWith(`${found.report.role}-`)) return notFound(c);
    const bytes = await deps.archive.get(`${html.slice(0, html.lastIndexOf("/"))}/${file}`);
    if (bytes === undefined) return notFound(c);
    c.header("content-type", "image/png");
    return c.body(Buffer.from(bytes));
  });

  app.post("/t/:tenant/r/:period/:role/annotations", async (c) => {
    const found = await reportOf(c);
    if (found === undefined) return notFound(c);
    const form = await c.req.parseBody();
    const text = typeof form.text === "string" ? form.text.trim() : "";
    const section =
      typeof form.section === "string" && /^[a-z0-9-]+$/.test(form.section)
        ? form.section
        : undefined;
    if (text === "" || text.length > 4000)
      return c.text("Write a note of 1 to 4,000 characters", 400);
    await deps.annotations.add({
      tenant: found.access.tenant,
      period: found.report.period,
      role: found.report.role,
      ...(section !== undefined ? { section } : {}),
      author: c.get("email"),
      via: "dashboard",
      text,
      at: iso(),
    });
    return c.redirect(
      `/t/${found.access.tenant}/r/${found.report.period}/${found.report.role}#notes`,
      303,
    );
  });

  app.get("/t/:tenant/tasks", async (c) => {
    const access = accessTo(c, c.req.param("tenant"));
    if (access === undefined) return notFound(c);
    const filter = { owner: c.req.query("owner"), entity: c.req.query("entity") };
    const visible = (await deps.followUp.list(access.tenant)).filter((t) =>
      seesTask(access, t.owner),
    );
    const shown = visible.filter(
      (t) =>
        (filter.owner === undefined || filter.owner === "" || t.owner === filter.owner) &&
        (filter.entity === undefined || filter.entity === "" || t.entity === filter.entity),
    );
    return c.html(
      page(
        `${access.tenantName}: tasks`,
        board(access, visible, shown, filter, user(c).csrf),
        user(c),
      ),
    );
  });

  app.post("/t/:tenant/tasks/:id", async (c) => {
    const access = accessTo(c, c.req.param("tenant"));
    const task =
      access === undefined ? undefined : await deps.followUp.find(access.tenant, c.req.param("id"));
    if (access === undefined || task === undefined || !seesTask(access, task.owner))
      return notFound(c);
    const form = await c.req.parseBody();
    const status = (PERSON_STATUSES as readonly string[]).includes(String(form.status))
      ? (form.status as (typeof PERSON_STATUSES)[number])
      : undefined;
    if (status === undefined) return c.text(`Choose one of: ${PERSON_STATUSES.join(", ")}`, 400);
    await deps.followUp.setStatus(
      access.tenant,
      task.id,
      status,
      c.get("email"),
      iso(),
      "dashboard",
    );
    return c.redirect(`/t/${access.tenant}/tasks#${task.id}`, 303);
  });

  app.get("/t/:tenant/deliveries", (c) => {
    const access = accessTo(c, c.req.param("tenant"));
    if (access === undefined) return notFound(c);
    const rows = deps
      .deliveries(access.tenant)
      .filter((r) => access.roles.includes(r.report))
      .sort((a, b) => b.period.localeCompare(a.period) || a.report.localeCompare(b.report));
    const body = table(
      "Deliveries per recipient",
      ["Period", "Report", "Recipient", "Status", "Attempts", "Message id", "Error", "Updated"],
      rows.map((r) => [
        esc(r.period),
        esc(r.report),
        esc(r.recipient),
        // What the provider said after the send (SES events on AWS): bounced, complained, …
        r.mailEvent === undefined
          ? esc(r.state)
          : `${esc(r.state)}<br><span class="muted" title="${esc(r.mailEvent.detail)}">${esc(r.mailEvent.kind)} ${esc(r.mailEvent.at.slice(0, 16).replace("T", " "))}</span>`,
        esc(r.attempts),
        `<code>${esc(r.messageId ?? "—")}</code>`,
        esc(r.error ?? ""),
        esc(r.updatedAt),
      ]),
    );
    return c.html(page(`${access.tenantName}: deliveries`, `${tenantNav(access)}${body}`, user(c)));
  });

  app.notFound((c) => c.html(page("Not found", "<p>There is nothing here.</p>"), 404));

  async function reportOf(c: Context<Env>) {
    const access = accessTo(c, c.req.param("tenant") ?? "");
    const role = c.req.param("role") ?? "";
    if (access === undefined || !access.roles.includes(role)) return undefined;
    const period = c.req.param("period") ?? "";
    const manifests = await manifestsOf(deps.history, reader, access.tenant);
    const report = archivedReports(manifests).find((r) => r.period === period && r.role === role);
    return report === undefined ? undefined : { access, report };
  }

  return app;
}

/**
 * The connecting address, for the per-client limit. Not X-Forwarded-For: anyone can write that
 * header. Behind a proxy every request shares the proxy's address, and the per-address limit is
 * what still tells users apart.
 */
function clientAddress(c: Context<Env>): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // In-process requests (tests) have no socket.
    return "in-process";
  }
}

function signInPage(problem?: string): string {
  return page(
    "Sign in",
    `${problem !== undefined ? `<p class="notice" role="alert">${esc(problem)}</p>` : ""}<form method="post" action="/sign-in" class="card"><label for="email">Your email address</label><input id="email" name="email" type="email" autocomplete="email" required><p><button type="submit">Email me a sign-in link</button></p></form><p class="muted">Reports' recipients can sign in. The link works once, for 15 minutes.</p>`,
  );
}

function tenantNav(access: TenantAccess): string {
  const t = esc(access.tenant);
  return `<p><a href="/t/${t}">Overview</a> · <a href="/t/${t}/tasks">Tasks</a> · <a href="/t/${t}/deliveries">Deliveries</a></p>`;
}

interface Tile {
  label: string;
  value: string;
  status?: "meets" | "below";
  trend: number[];
}

async function kpiTiles(
  deps: DashboardDeps,
  reader: ArchiveReader,
  access: TenantAccess,
  reports: readonly ArchivedReport[],
): Promise<Tile[]> {
  const latest = reports[0]?.period;
  if (latest === undefined) return [];
  const { formatValue } = await import("../core/reports/compose.js");
  const snapshots = await trendsOf(deps.followUp, access.tenant);
  const seen = new Set<string>();
  const tiles: Tile[] = [];
  for (const report of reports.filter((r) => r.period === latest)) {
    const key = report.keys.json;
    const document = key === undefined ? undefined : await reader.json<ReportDocument>(key);
    if (document === undefined) continue;
    for (const section of document.sections)
      for (const block of section.blocks) {
        if (block.type !== "figures") continue;
        for (const f of block.figures) {
          if (f.target === undefined || seen.has(f.id)) continue;
          seen.add(f.id);
          const meets =
            (f.better ?? "higher") === "higher" ? f.value >= f.target : f.value <= f.target;
          tiles.push({
            label: f.label,
            value: `${formatValue(f.value, f.unit)} (target ${formatValue(f.target, f.unit)})`,
            status: meets ? "meets" : "below",
            trend: snapshots.flatMap((s) =>
              s.figures.filter((g) => g.id === f.id).map((g) => g.value),
            ),
          });
        }
      }
  }
  return tiles;
}

const trendCache = new WeakMap<
  FollowUpStore,
  Map<string, { stamp: string; snapshots: PeriodSnapshot[] }>
>();

/** The tenant's period snapshots, parsed once per set of runs that recorded them. */
async function trendsOf(store: FollowUpStore, tenant: string): Promise<PeriodSnapshot[]> {
  const byTenant = trendCache.get(store) ?? new Map();
  trendCache.set(store, byTenant);
  const stamp = await store.snapshotStamp(tenant);
  const known = byTenant.get(tenant);
  if (known !== undefined && known.stamp === stamp) return known.snapshots;
  const snapshots = await store.snapshots(tenant);
  byTenant.set(tenant, { stamp, snapshots });
  return snapshots;
}

function overview(
  access: TenantAccess,
  manifests: readonly RunManifest[],
  reports: readonly ArchivedReport[],
  tiles: readonly Tile[],
): string {
  const t = esc(access.tenant);
  const tileHtml =
    tiles.length === 0
      ? '<p class="muted">No figure with a target in the latest reports.</p>'
      : `<div class="tiles">${tiles
          .map(
            (tile) =>
              `<div class="tile"><div>${esc(tile.label)}</div><div class="value">${esc(tile.value)}</div><div class="${tile.status === "meets" ? "ok" : "bad"}">${tile.status === "meets" ? "✓ meets target" : "✗ below target"}</div>${sparkline(tile.trend, tile.label)}</div>`,
          )
          .join("")}</div>`;
  const reportRows = reports.map((r) => [
    esc(r.period),
    `<a href="/t/${t}/r/${esc(r.period)}/${esc(r.role)}">${esc(r.role)}</a>`,
    esc(r.generatedAt.slice(0, 16).replace("T", " ")),
    `<code>${esc(r.runId)}</code>`,
  ]);
  const latest = manifests[0];
  const freshness = (latest?.sources ?? []).map((s) => [
    esc(s.sourceId),
    esc(s.type),
    esc(s.status),
    esc(s.asOf ?? "no data"),
    esc(s.records),
  ]);
  const runs = manifests.map((m) => [
    `<code>${esc(m.runId)}</code>`,
    esc(m.period),
    esc(m.generatedAt.slice(0, 16).replace("T", " ")),
    m.validation.ok ? "passed" : "blocked",
    esc(m.deliveries.filter((d) => d.status === "sent").length),
  ]);
  return [
    tenantNav(access),
    "<h2>KPIs</h2>",
    tileHtml,
    "<h2>Reports</h2>",
    table("Archived reports", ["Period", "Report", "Made (UTC)", "Run"], reportRows),
    "<h2>Data freshness</h2>",
    table(
      `Sources of the latest run${latest !== undefined ? ` (${latest.period})` : ""}`,
      ["Source", "Type", "Status", "As of", "Records"],
      freshness,
    ),
    "<h2>Runs</h2>",
    table("Runs", ["Run", "Period", "Made (UTC)", "Gate", "Sent"], runs),
  ].join("\n");
}

function reportPage(
  access: TenantAccess,
  report: ArchivedReport,
  document: ReportDocument | undefined,
  notes: readonly Annotation[],
  csrf: string,
): string {
  const base = `/t/${esc(access.tenant)}/r/${esc(report.period)}/${esc(report.role)}`;
  const sections = document?.sections ?? [];
  const contents = sections
    .map(
      (s) =>
        `<li><a href="${base}/email#${esc(s.id)}" target="report">${esc(s.title)}</a>${notesCount(notes, s.id)}</li>`,
    )
    .join("");
  const noteItems = notes
    .map(
      (n) =>
        `<li><strong>${esc(n.author)}</strong> (${esc(n.via)}, ${esc(n.at.slice(0, 16).replace("T", " "))})${n.section !== undefined ? ` on <a href="${base}/email#${esc(n.section)}" target="report">${esc(n.section)}</a>` : ""}: ${esc(n.text)}</li>`,
    )
    .join("");
  const options = [
    `<option value="">The whole report</option>`,
    ...sections.map((s) => `<option value="${esc(s.id)}">${esc(s.title)}</option>`),
  ].join("");
  return [
    tenantNav(access),
    `<p class="muted">${esc(report.period)} · ${esc(report.role)} · run <code>${esc(report.runId)}</code> · <a href="${base}/email">Open the email as sent</a></p>`,
    `<h2>Sections</h2><ul class="links">${contents}</ul>`,
    `<iframe name="report" title="The report as emailed" src="${base}/email" class="report"></iframe>`,
    `<h2 id="notes">Notes</h2>`,
    noteItems === "" ? '<p class="muted">No notes yet.</p>' : `<ul>${noteItems}</ul>`,
    `<form method="post" action="${base}/annotations" class="card"><input type="hidden" name="csrf" value="${esc(csrf)}"><label for="section">About</label><select id="section" name="section">${options}</select><label for="text">Note</label><textarea id="text" name="text" rows="3" maxlength="4000" required></textarea><p><button type="submit">Add note</button></p></form>`,
  ].join("\n");
}

function notesCount(notes: readonly Annotation[], section: string): string {
  const n = notes.filter((note) => note.section === section).length;
  return n === 0 ? "" : ` <span class="muted">(${n} note${n === 1 ? "" : "s"})</span>`;
}

function board(
  access: TenantAccess,
  visible: readonly Task[],
  shown: readonly Task[],
  filter: { owner?: string | undefined; entity?: string | undefined },
  csrf: string,
): string {
  const t = esc(access.tenant);
  const owners = [...new Set(visible.map((task) => task.owner))].sort();
  const entities = [
    ...new Set(visible.flatMap((task) => (task.entity !== undefined ? [task.entity] : []))),
  ].sort();
  const select = (name: string, label: string, values: string[], current?: string) =>
    `<div><label for="${name}">${label}</label><select id="${name}" name="${name}"><option value="">All</option>${values.map((v) => `<option value="${esc(v)}"${v === current ? " selected" : ""}>${esc(v)}</option>`).join("")}</select></div>`;
  const filters = `<form method="get" action="/t/${t}/tasks" class="filters">${select("owner", "Owner", owners, filter.owner)}${select("entity", "Entity", entities, filter.entity)}<button type="submit">Filter</button></form>`;
  const columns = TASK_STATUSES.map((status) => {
    const cards = shown
      .filter((task) => task.status === status)
      .map(
        (task) =>
          `<article class="task" id="${esc(task.id)}"><div><strong>${esc(task.id)}</strong> · ${esc(task.severity)} · <span class="nowrap">due ${esc(task.due)}</span></div><div>${esc(task.title)}</div><div class="muted">${esc(task.owner)}${task.entity !== undefined ? ` · ${esc(task.entity)}` : ""} · <a href="/t/${t}/r/${esc(task.report.split("/")[1] ?? "")}/${esc(task.report.split("/")[2] ?? "")}/email#${esc(task.section)}">${esc(task.section)}</a></div><form method="post" action="/t/${t}/tasks/${esc(task.id)}"><input type="hidden" name="csrf" value="${esc(csrf)}"><label class="visually-hidden" for="status-${esc(task.id)}">Status of ${esc(task.id)}</label><select id="status-${esc(task.id)}" name="status">${PERSON_STATUSES.map((s) => `<option value="${s}"${s === task.status ? " selected" : ""}>${s}</option>`).join("")}</select><button type="submit">Move</button></form></article>`,
      )
      .join("");
    return `<section class="column" aria-label="${esc(status)}"><h2>${esc(status)} (${shown.filter((task) => task.status === status).length})</h2>${cards}</section>`;
  }).join("");
  return `${tenantNav(access)}${filters}<div class="board">${columns}</div>`;
}

const CHART_CID = /src="cid:([a-z0-9-]+)@exec-intel"/g;

/** The archived email HTML with each `cid:` chart replaced by its PNG from the archive, inline. */
async function inlineCharts(html: string, key: string, archive: Archive): Promise<string> {
  const folder = key.slice(0, key.lastIndexOf("/"));
  const ids = [...new Set([...html.matchAll(CHART_CID)].map((match) => match[1] ?? ""))];
  const pngs = new Map(
    await Promise.all(
      ids.map(async (id) => [id, await archive.get(`${folder}/${id}.png`)] as const),
    ),
  );
  return html.replace(CHART_CID, (_, id: string) => {
    const png = pngs.get(id);
    return png === undefined
      ? 'src=""'
      : `src="data:image/png;base64,${Buffer.from(png).toString("base64")}"`;
  });
}
