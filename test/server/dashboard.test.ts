import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardDeps } from "../../src/entry/serve.js";
import { createDashboard } from "../../src/server/app.js";
import { portfolioCopies, runCli } from "../helpers/cli.js";

// The dashboard in-process (Hono's app.request) over a real run of a portfolio copy: the real
// SQLite stores, the real archive and the outbox transport that carries the sign-in links.
// Sign-in, sessions, CSRF and the authorization matrix: every user sees only their tenant and
// the roles they may, and anything else answers 404 as if it did not exist.

const ORIGIN = "http://dash.test";
const workspace = portfolioCopies();

let dir: string;
let clock = new Date("2026-11-21T08:00:00Z");
let app: ReturnType<typeof createDashboard>;
let close: () => Promise<void>;

beforeAll(async () => {
  dir = await workspace();
  const run = await runCli(["run", "-w", dir, "--period", "2026-10"]);
  expect(run.code, run.stderr).toBe(0);
  const built = await dashboardDeps(dir, {}, ORIGIN, () => clock);
  app = createDashboard(built.deps);
  close = built.close;
}, 180_000);

afterAll(async () => {
  await close?.();
});

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
  body: new URLSearchParams(fields).toString(),
});

/** The newest sign-in link the outbox holds for `email`. */
async function newestLink(email: string, tenant: string): Promise<string> {
  const folder = path.join(dir, ".exec-intel", "outbox", tenant, "sign-in", "magic-link");
  const stem = email.replace("@", "_at_");
  const files = (await readdir(folder)).filter((f) => f.startsWith(stem));
  const rank = (f: string) => Number(/-(\d+)\.eml$/.exec(f)?.[1] ?? 1);
  const newest = files.sort((a, b) => rank(b) - rank(a))[0];
  if (newest === undefined) throw new Error(`no sign-in link for ${email}`);
  const mail = await simpleParser(await readFile(path.join(folder, newest)));
  const link = /http:\/\/\S+/.exec(mail.text ?? "")?.[0];
  if (link === undefined) throw new Error("the sign-in email holds no link");
  return link;
}

/** Opens an emailed link (a page with a button) and presses the button: the POST that signs in. */
async function follow(link: string): Promise<Response> {
  const opened = await app.request(link.replace(ORIGIN, ""));
  expect(opened.status).toBe(200);
  const token = /name="token" value="([^"]*)"/.exec(await opened.text())?.[1] ?? "";
  return app.request("/auth", form({ token }));
}

/** Signs `email` in through the form and the emailed link; returns the cookie header. */
async function signIn(email: string, tenant: string): Promise<string> {
  const asked = await app.request("/sign-in", form({ email }));
  expect(asked.status).toBe(200);
  const landed = await follow(await newestLink(email, tenant));
  expect(landed.status).toBe(303);
  const cookie = landed.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0] ?? "";
}

async function csrfOf(cookie: string, page: string): Promise<string> {
  const html = await (await app.request(page, { headers: { cookie } })).text();
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error(`no form token on ${page}`);
  return token;
}

describe("sign-in by emailed link", () => {
  it("sends a single-use link to a recipient, and sets an HttpOnly, SameSite=Lax session cookie", async () => {
    await app.request("/sign-in", form({ email: "Owner@Example.com" }));
    const link = await newestLink("owner@example.com", "portfolio");
    expect(link).toMatch(/^http:\/\/dash\.test\/auth\?token=[A-Za-z0-9_-]{43}$/);
    // Opening the link (as a mail scanner would) spends nothing and signs nobody in.
    const scanned = await app.request(link.replace(ORIGIN, ""));
    expect(scanned.headers.get("set-cookie")).toBeNull();
    const first = await follow(link);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/");
    expect(first.headers.get("set-cookie")).toMatch(/HttpOnly/);
    expect(first.headers.get("set-cookie")).toMatch(/SameSite=Lax/);
    expect(first.headers.get("set-cookie")).not.toMatch(/Secure/);
    const again = await follow(link);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("This link does not work");
  });

  it("answers a stranger exactly as a recipient, and sends nothing", async () => {
    const known = await app.request("/sign-in", form({ email: "helen.park@example.com" }));
    const stranger = await app.request("/sign-in", form({ email: "mallory@example.com" }));
    expect(stranger.status).toBe(known.status);
    expect((await stranger.text()).replace("mallory@example.com", "X")).toBe(
      (await known.text()).replace("helen.park@example.com", "X"),
    );
    await expect(newestLink("mallory@example.com", "portfolio")).rejects.toThrow(/no sign-in link/);
  });

  it("refuses a link after its 15 minutes", async () => {
    await app.request("/sign-in", form({ email: "lena.brooks@example.com" }));
    const link = await newestLink("lena.brooks@example.com", "portfolio");
    clock = new Date(clock.getTime() + 16 * 60_000);
    try {
      expect((await follow(link)).status).toBe(400);
    } finally {
      clock = new Date("2026-11-21T08:00:00Z");
    }
  });

  it("limits sign-in requests per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await app.request("/sign-in", form({ email: "rate@example.com" }))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it("sends a visitor without a session to the sign-in page, and refuses a forged cookie", async () => {
    expect((await app.request("/t/portfolio")).headers.get("location")).toBe("/sign-in");
    const forged = await app.request("/t/portfolio", {
      headers: { cookie: "exec_intel_session=not-a-session" },
    });
    expect(forged.headers.get("location")).toBe("/sign-in");
  });

  it("ends the session on sign-out", async () => {
    const cookie = await signIn("helen.park@example.com", "portfolio");
    const csrf = await csrfOf(cookie, "/t/portfolio");
    const out = await app.request("/sign-out", {
      ...form({ csrf }),
      headers: { ...form({}).headers, cookie },
    });
    expect(out.status).toBe(303);
    expect((await app.request("/t/portfolio", { headers: { cookie } })).status).toBe(303);
  });
});

describe("state changes need the session's form token and our origin", () => {
  it("refuses a task move without the token, with another session's token, or from another origin", async () => {
    const owner = await signIn("owner@example.com", "portfolio");
    const sam = await signIn("sam.okafor@example.com", "portfolio");
    const samToken = await csrfOf(sam, "/t/portfolio/tasks");
    const post = (cookie: string, fields: Record<string, string>, origin = ORIGIN) =>
      app.request("/t/portfolio/tasks/T-1", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin, cookie },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await post(owner, { status: "doing" })).status).toBe(403);
    expect((await post(owner, { status: "doing", csrf: samToken })).status).toBe(403);
    const ownerToken = await csrfOf(owner, "/t/portfolio/tasks");
    expect(
      (await post(owner, { status: "doing", csrf: ownerToken }, "https://evil.test")).status,
    ).toBe(403);
    const fetchSite = (site: string) =>
      app.request("/t/portfolio/tasks/T-1", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "null",
          "sec-fetch-site": site,
          cookie: owner,
        },
        body: new URLSearchParams({ status: "open", csrf: ownerToken }).toString(),
      });
    // A browser's own post may say `Origin: null`; Sec-Fetch-Site tells same-origin from not.
    expect((await fetchSite("cross-site")).status).toBe(403);
    expect((await fetchSite("same-site")).status).toBe(403);
    expect((await fetchSite("same-origin")).status).toBe(303);
    const moved = await post(owner, { status: "doing", csrf: ownerToken });
    expect(moved.status).toBe(303);
    const log = await runCli(["task", "portfolio/T-1", "-w", dir, "--json"]);
    const events = JSON.parse(log.stdout).events as {
      action: string;
      actor: string;
      detail: string;
    }[];
    expect(events.at(-1)).toMatchObject({
      action: "status",
      actor: "owner@example.com",
      detail: "dashboard",
    });
  });
});

describe("the authorization matrix", () => {
  const cookies = new Map<string, string>();
  beforeAll(async () => {
    cookies.set("owner", await signIn("owner@example.com", "portfolio"));
    cookies.set("cto", await signIn("sam.okafor@example.com", "portfolio"));
    cookies.set("landlord", await signIn("dana.whitfield@example.com", "portfolio"));
    cookies.set("baker", await signIn("baker@example.com", "harbor-bakery"));
  }, 60_000);

  // Who: the owner (CEO, CTO and CMO recipient: full access), Sam (CTO only), Dana (property
  // manager only) and the bakery's owner (another tenant). 200 = shown, 404 = not there for them.
  const matrix: [string, Record<string, number>][] = [
    ["/t/portfolio", { owner: 200, cto: 200, landlord: 200, baker: 404 }],
    ["/t/harbor-bakery", { owner: 404, cto: 404, landlord: 404, baker: 200 }],
    ["/t/portfolio/r/2026-10/ceo", { owner: 200, cto: 404, landlord: 404, baker: 404 }],
    ["/t/portfolio/r/2026-10/cfo", { owner: 200, cto: 404, landlord: 404, baker: 404 }],
    ["/t/portfolio/r/2026-10/cto", { owner: 200, cto: 200, landlord: 404, baker: 404 }],
    ["/t/portfolio/r/2026-10/cto/email", { owner: 200, cto: 200, landlord: 404, baker: 404 }],
    [
      "/t/portfolio/r/2026-10/property-manager",
      { owner: 200, cto: 404, landlord: 200, baker: 404 },
    ],
    [
      "/t/portfolio/r/2026-10/ceo/chart/ceo-revenue-vs-target.png",
      { owner: 200, cto: 404, landlord: 404, baker: 404 },
    ],
    [
      "/t/portfolio/r/2026-10/ceo/chart/cto-cloud-spend-by-month.png",
      { owner: 404, cto: 404, landlord: 404, baker: 404 },
    ],
    ["/t/harbor-bakery/r/2026-10/ceo", { owner: 404, cto: 404, landlord: 404, baker: 200 }],
    ["/t/portfolio/tasks", { owner: 200, cto: 200, landlord: 200, baker: 404 }],
    ["/t/portfolio/deliveries", { owner: 200, cto: 200, landlord: 200, baker: 404 }],
    ["/t/nobody", { owner: 404, cto: 404, landlord: 404, baker: 404 }],
  ];

  it.each(matrix)("GET %s", async (route, expected) => {
    const got: Record<string, number> = {};
    for (const who of Object.keys(expected)) {
      got[who] = (await app.request(route, { headers: { cookie: cookies.get(who) ?? "" } })).status;
    }
    expect(got).toEqual(expected);
    expect((await app.request(route)).status).toBe(303);
  });

  it("shows each user only the tasks and deliveries of the roles they see", async () => {
    const board = async (who: string) =>
      (
        await app.request("/t/portfolio/tasks", { headers: { cookie: cookies.get(who) ?? "" } })
      ).text();
    const ids = (html: string) =>
      [...html.matchAll(/<article class="task" id="(T-\d+)"/g)].map((m) => m[1]);
    const all = ids(await board("owner"));
    const sams = ids(await board("cto"));
    const danas = ids(await board("landlord"));
    expect(all).toHaveLength(21);
    const tasks = JSON.parse((await runCli(["tasks", "-w", dir, "--json"])).stdout) as {
      id: string;
      owner: string;
      tenant: string;
    }[];
    const ownedBy = (role: string) =>
      tasks
        .filter((t) => t.tenant === "portfolio" && t.owner === role)
        .map((t) => t.id)
        .sort();
    expect([...sams].sort()).toEqual(ownedBy("cto"));
    expect([...danas].sort()).toEqual(ownedBy("property-manager"));
    const deliveries = await (
      await app.request("/t/portfolio/deliveries", {
        headers: { cookie: cookies.get("cto") ?? "" },
      })
    ).text();
    expect(deliveries).toContain("sam.okafor@example.com");
    expect(deliveries).not.toContain("helen.park@example.com");
  });

  it("shows what the mail provider said of a sent message (a bounce), escaped", async () => {
    const { openSqliteLedger } = await import("../../src/adapters/store/sqlite-store.js");
    const ledger = openSqliteLedger(path.join(dir, ".exec-intel", "state.sqlite"));
    try {
      const [row] = ledger.rows({ tenant: "portfolio", report: "cto" });
      expect(row?.providerMessageId).toBeDefined();
      ledger.recordMailEvent({
        providerMessageId: row?.providerMessageId ?? "",
        kind: "bounced",
        detail: "Permanent/General: 550 <mailbox unknown>",
        at: "2026-11-21T09:30:00.000Z",
      });
    } finally {
      ledger.close();
    }
    const page = await (
      await app.request("/t/portfolio/deliveries", {
        headers: { cookie: cookies.get("cto") ?? "" },
      })
    ).text();
    expect(page).toContain("bounced 2026-11-21 09:30");
    expect(page).toContain('title="Permanent/General: 550 &lt;mailbox unknown&gt;"');
  });

  it("refuses to move a task the user may not see, as if it did not exist", async () => {
    const sam = cookies.get("cto") ?? "";
    const token = await csrfOf(sam, "/t/portfolio/tasks");
    const tasks = JSON.parse((await runCli(["tasks", "-w", dir, "--json"])).stdout) as {
      id: string;
      owner: string;
      tenant: string;
    }[];
    const ceoTask = tasks.find((t) => t.tenant === "portfolio" && t.owner === "cmo");
    expect(ceoTask).toBeDefined();
    const response = await app.request(`/t/portfolio/tasks/${ceoTask?.id}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, cookie: sam },
      body: new URLSearchParams({ status: "done", csrf: token }).toString(),
    });
    expect(response.status).toBe(404);
  });
});

describe("pages", () => {
  it("carry the security headers, and the archived email its own sandboxed policy", async () => {
    const cookie = await signIn("owner@example.com", "portfolio");
    const page = await app.request("/t/portfolio", { headers: { cookie } });
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const email = await app.request("/t/portfolio/r/2026-10/ceo/email", { headers: { cookie } });
    expect(email.headers.get("content-security-policy")).toMatch(/sandbox$/);
    const html = await email.text();
    // The chart is inline: the sandboxed frame would fetch a URL without the session cookie.
    const chart = await app.request("/t/portfolio/r/2026-10/ceo/chart/ceo-revenue-vs-target.png", {
      headers: { cookie },
    });
    const png = Buffer.from(await chart.arrayBuffer()).toString("base64");
    expect(png.length).toBeGreaterThan(1000);
    expect(html).toContain(`src="data:image/png;base64,${png}"`);
    expect(html).not.toContain("cid:");
  });

  it("escape a note's text and keep it on its section", async () => {
    const cookie = await signIn("owner@example.com", "portfolio");
    const csrf = await csrfOf(cookie, "/t/portfolio/r/2026-10/cfo");
    const added = await app.request("/t/portfolio/r/2026-10/cfo/annotations", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, cookie },
      body: new URLSearchParams({
        csrf,
        section: "burn-rate",
        text: '<script>alert("x")</script> check the burn',
      }).toString(),
    });
    expect(added.status).toBe(303);
    const page = await (
      await app.request("/t/portfolio/r/2026-10/cfo", { headers: { cookie } })
    ).text();
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; check the burn");
    expect(page).not.toContain('<script>alert("x")</script>');
    expect(page).toMatch(/Burn rate<\/a> <span class="muted">\(1 note\)<\/span>/);
  });
});
