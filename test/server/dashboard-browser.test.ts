import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { simpleParser } from "mailparser";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDashboard } from "../../src/entry/serve.js";
import { sharedBrowser } from "../helpers/chromium.js";
import { portfolioCopies, runCli } from "../helpers/cli.js";
import { expectReviewedScreenshot } from "../helpers/screenshots.js";

// The dashboard as a person meets it: the real server on loopback, driven by the system Chromium
// from the sign-in form to the task board, checked by axe-core and compared with screenshots a
// human has looked at. After an intended layout change, regenerate with
// `UPDATE_SCREENSHOTS=1 npx vitest run test/server/dashboard-browser.test.ts`, then look at
// every image.
const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
const WIDTHS = [375, 1200] as const;
// The same tolerances as the reference emails' screenshots (test/render/browser.test.ts).
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const OWNER = "owner@example.com";
const REPORT = "/t/portfolio/r/2026-10/ceo";
const PLANTED = "<img src=x onerror=alert(1)>Planted";

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page and returns its serious and critical violations. The pages forbid
 * every script by CSP, so axe goes in through the DevTools protocol (`evaluate`), which the CSP
 * does not govern, rather than as a `<script>` tag it would block. The report's frame is
 * sandboxed without scripts, so axe cannot run there; that HTML is the archived email, which
 * test/render/browser.test.ts audits.
 */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(await readFile(AXE, "utf8"));
  const result = (await page.evaluate(
    "axe.run(document, { iframes: false, resultTypes: ['violations'] })",
  )) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Violations as lines a person can act on, for the assertion message. */
function describeViolations(violations: readonly AxeViolation[]): string[] {
  return violations.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n${v.nodes
        .slice(0, 5)
        .map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`)
        .join("\n")}`,
  );
}

/** The newest sign-in .eml for `email` in the workspace's outbox (`x.eml`, `x-2.eml`, …). */
async function newestSignInMail(workspace: string, email: string): Promise<string | undefined> {
  const folder = path.join(workspace, ".exec-intel/outbox/portfolio/sign-in/magic-link");
  const stem = email.replace(/@/g, "_at_");
  const files = existsSync(folder) ? await readdir(folder) : [];
  const numbered = files.flatMap((file) => {
    if (file === `${stem}.eml`) return [{ file, n: 1 }];
    const match = file.startsWith(`${stem}-`) ? /-(\d+)\.eml$/.exec(file) : null;
    return match?.[1] !== undefined ? [{ file, n: Number(match[1]) }] : [];
  });
  const newest = numbered.sort((a, b) => b.n - a.n)[0];
  return newest === undefined ? undefined : path.join(folder, newest.file);
}

/** The sign-in link in a magic-link .eml, read as a mail client reads it. */
async function linkIn(file: string): Promise<string> {
  const mail = await simpleParser(await readFile(file));
  const link = /https?:\/\/\S+/.exec(mail.text ?? "")?.[0];
  if (link === undefined) throw new Error(`no link in ${file}:\n${mail.text ?? ""}`);
  return link;
}

describe("the dashboard in Chromium", () => {
  const copies = portfolioCopies();
  const browser = sharedBrowser();
  let dir = "";
  let server: { url: string; stop: () => Promise<void> } | undefined;
  let signedIn: ReturnType<BrowserContext["storageState"]> | undefined;

  beforeAll(async () => {
    dir = await copies();
    const run = await runCli(["run", "-w", dir, "--period", "2026-10"]);
    expect(run.code, run.stderr).toBe(0);
    server = await serveDashboard({
      workspace: dir,
      env: {},
      host: "127.0.0.1",
      port: 0,
      now: () => new Date("2026-11-21T08:00:00Z"),
    });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  const url = (pathname: string): string => {
    if (server === undefined) throw new Error("the dashboard did not start (see beforeAll)");
    return `${server.url}${pathname}`;
  };

  /** Asks for a sign-in link through the form in `page`; returns the link from the outbox. */
  async function requestLink(page: Page, email: string): Promise<string> {
    const before = await newestSignInMail(dir, email);
    await page.goto(url("/sign-in"));
    await page.getByLabel("Your email address").fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Check your email");
    const file = await newestSignInMail(dir, email);
    expect(file, "no sign-in email in the outbox").toBeDefined();
    expect(file, "the outbox holds no new sign-in email").not.toBe(before);
    return linkIn(file ?? "");
  }

  /** A light-scheme context `width` wide, optionally with a saved session. */
  async function newContext(
    options: { width?: number; storageState?: Awaited<typeof signedIn> } = {},
  ): Promise<BrowserContext> {
    return browser().newContext({
      viewport: { width: options.width ?? 1200, height: 800 },
      colorScheme: "light",
      ...(options.storageState !== undefined ? { storageState: options.storageState } : {}),
    });
  }

  /** Opens an emailed sign-in link and presses its button (opening alone spends nothing). */
  async function openLink(page: Page, link: string) {
    await page.goto(link);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    await page.waitForLoadState();
    return response;
  }

  /** A new context (light scheme, `width` wide) signed in as the owner; one sign-in per file. */
  async function ownerContext(width = 1200): Promise<BrowserContext> {
    signedIn ??= (async () => {
      const context = await newContext();
      try {
        const page = await context.newPage();
        await openLink(page, await requestLink(page, OWNER));
        return await context.storageState();
      } finally {
        await context.close();
      }
    })();
    return newContext({ width, storageState: await signedIn });
  }

  /** Runs `fn` on a page of a fresh signed-in context and closes the context afterwards. */
  async function asOwner<T>(fn: (page: Page) => Promise<T>, width = 1200): Promise<T> {
    const context = await ownerContext(width);
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }

  /** Runs `fn` on a page of a fresh context without a session. */
  async function anonymously<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    const context = await newContext();
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }

  it("signs in by magic link through the form; the link works once", async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      const link = await requestLink(page, OWNER);
      const parsed = new URL(link);
      expect(`${parsed.origin}${parsed.pathname}`).toBe(url("/auth"));
      expect(parsed.searchParams.get("token")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await openLink(page, link);
      await page.waitForURL((u) => u.pathname === "/t/portfolio");
      await expect
        .poll(() => page.getByRole("heading", { level: 2, name: "KPIs" }).isVisible())
        .toBe(true);
      expect(await page.locator(".tile").count()).toBeGreaterThan(0);
      expect(await page.getByRole("link", { name: "ceo" }).count()).toBeGreaterThan(0);
      expect(await page.locator("nav.top .who").textContent()).toBe(OWNER);

      const again = await openLink(page, link);
      expect(again.status()).toBe(400);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(
        "This link does not work",
      );
    } finally {
      await context.close();
    }
  });

  // Chromium's own form posts must be accepted: under `Referrer-Policy: no-referrer` it sends
  // `Origin: null`, which an origin check refuses (a bug this test caught once).
  it("accepts Chromium's own sign-in form post as same-origin", async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      const form = await page.goto(url("/sign-in"));
      expect((await form?.allHeaders())?.["referrer-policy"]).toBe("same-origin");
      await page.getByLabel("Your email address").fill("sam.okafor@example.com");
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.getByRole("button", { name: "Email me a sign-in link" }).click(),
      ]);
      expect((await response.request().allHeaders())["sec-fetch-site"]).toBe("same-origin");
      expect(response.status()).toBe(200);
    } finally {
      await context.close();
    }
  });

  it("shows the CEO report in a script-free frame and a planted note as literal text", async () => {
    await asOwner(async (page) => {
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(url(REPORT));
      const title = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
      expect(title).toMatch(/\S/);
      const frame = page.frameLocator('iframe[name="report"]');
      await expect
        .poll(() => frame.getByRole("heading", { name: title, exact: true }).first().isVisible())
        .toBe(true);

      await page.getByLabel("Note").fill(PLANTED);
      await page.getByRole("button", { name: "Add note" }).click();
      await page.waitForURL((u) => u.pathname === REPORT && u.hash === "#notes");
      const notes = (await page.locator("#notes + ul").textContent()) ?? "";
      expect(notes).toContain(PLANTED);
      expect(notes).toContain(OWNER);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator("script").count()).toBe(0);
      const report = page.frames().find((f) => f.name() === "report");
      expect(report, "the report frame is missing").toBeDefined();
      expect(await report?.locator("script").count()).toBe(0);
      expect(dialogs).toEqual([]);
    });
  }, 120_000);

  it.each(
    WIDTHS.flatMap((width) => [
      ["overview", width, "/t/portfolio"] as const,
      ["tasks", width, "/t/portfolio/tasks"] as const,
    ]),
  )("%s at %i px matches its reviewed screenshot", async (name, width, pathname) => {
    const shot = await asOwner(async (page) => {
      await page.goto(url(pathname));
      // Run ids are random: their boxes are painted over, at a size their fixed length keeps.
      return page.screenshot({
        fullPage: true,
        mask: [page.locator("code")],
        animations: "disabled",
      });
    }, width);
    expectReviewedScreenshot(SHOTS, `${name}-${width}`, shot);
  });

  // After the screenshots, which show T-1 where the run left it.
  it("moves task T-1 to doing on the board, logged with the signed-in owner", async () => {
    await asOwner(async (page) => {
      await page.goto(url("/t/portfolio/tasks"));
      const card = page.locator("article.task#T-1");
      expect(await card.count(), "T-1 is not on the board").toBe(1);
      await card.getByLabel("Status of T-1").selectOption("doing");
      await card.getByRole("button", { name: "Move" }).click();
      await page.waitForURL((u) => u.pathname === "/t/portfolio/tasks" && u.hash === "#T-1");
      expect(await page.locator('section.column[aria-label="doing"] article#T-1').count()).toBe(1);
      expect(await page.locator("#status-T-1").inputValue()).toBe("doing");
    });
    const shown = await runCli(["task", "portfolio/T-1", "-w", dir, "--json"]);
    expect(shown.code, shown.stderr).toBe(0);
    const { task, events } = JSON.parse(shown.stdout) as {
      task: { status: string };
      events: { action: string; actor: string; to: string }[];
    };
    expect(task.status).toBe("doing");
    expect(events).toContainEqual(
      expect.objectContaining({ action: "status", actor: OWNER, to: "doing" }),
    );
  });

  it.each([
    ["the overview", "/t/portfolio", true],
    ["the CEO report", REPORT, true],
    ["the task board", "/t/portfolio/tasks", true],
    ["sign-in", "/sign-in", false],
  ] as const)(
    "%s has no serious or critical axe-core violations",
    async (_name, pathname, signed) => {
      const check = async (page: Page) => {
        await page.goto(url(pathname));
        return seriousViolations(page);
      };
      const violations = signed ? await asOwner(check) : await anonymously(check);
      const listed = describeViolations(violations);
      expect(listed, listed.join("\n")).toEqual([]);
    },
  );

  it("sends the security headers and an HttpOnly, SameSite=Lax session cookie", async () => {
    const context = await ownerContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(url("/t/portfolio"));
      expect(response?.status()).toBe(200);
      const headers = (await response?.allHeaders()) ?? {};
      const csp = headers["content-security-policy"] ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("script-src");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      const cookie = (await context.cookies(url("/"))).find((c) => c.name === "exec_intel_session");
      expect(cookie, "no session cookie").toBeDefined();
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe("Lax");
    } finally {
      await context.close();
    }
  });
  // Last, as it runs November and so changes the board and the overview the screenshots show.
  it("the next run's CEO report quotes the note in its Since last report", async () => {
    const next = await runCli([
      "run",
      "-w",
      dir,
      "--period",
      "2026-11",
      "--report",
      "ceo",
      "--json",
    ]);
    expect(next.code, next.stderr).toBe(0);
    const summary = JSON.parse(next.stdout) as {
      tenants: { id: string; reports: { role: string; archive: { key: string }[] }[] }[];
    };
    const key = summary.tenants
      .find((t) => t.id === "portfolio")
      ?.reports.find((r) => r.role === "ceo")
      ?.archive.find((o) => o.key.endsWith(".md"))?.key;
    expect(key, "the November CEO report was not archived").toBeDefined();
    const markdown = await readFile(path.join(dir, ".exec-intel", "archive", key ?? ""), "utf8");
    const since = markdown.slice(
      markdown.indexOf("## Since last report"),
      markdown.indexOf("<a id=", markdown.indexOf("## Since last report")),
    );
    expect(since).toContain("Notes on the October 2026 report");
    expect(since).toContain("&lt;img src=x onerror=alert(1)&gt;Planted");
  }, 120_000);
});
