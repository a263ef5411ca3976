import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFollowUpStore } from "../../src/adapters/store/follow-up-store.js";
import { openAnnotationStore, openSessionStore } from "../../src/adapters/store/session-store.js";
import { serveDashboard } from "../../src/entry/serve.js";
import { hashSecret } from "../../src/server/security.js";
import { sharedBrowser } from "../helpers/chromium.js";
import { portfolioCopies, runCli } from "../helpers/cli.js";
import { MARKER_PATTERN, marker, XSS_PAYLOADS } from "./payloads.js";

// The XSS corpus in the dashboard: after a real run of a portfolio copy, every payload is planted
// in what people and data put into the stores the dashboard shows (task titles, entities and
// actions; notes and the sections they name), then every page is opened in Chromium with
// JavaScript on. Each payload must show as text and none may run or add markup.

const workspace = portfolioCopies();
const browser = sharedBrowser();
const SESSION = "xss-test-session-0123456789abcdefghijklmnop";

let dir: string;
let base: string;
let stop: () => Promise<void>;
const markers: string[] = [];

beforeAll(async () => {
  dir = await workspace();
  const run = await runCli(["run", "-w", dir, "--period", "2026-10"]);
  expect(run.code, run.stderr).toBe(0);
  const state = path.join(dir, ".exec-intel", "state.sqlite");
  const followUp = openFollowUpStore(state);
  const notes = openAnnotationStore(state);
  const sessions = openSessionStore(state);
  try {
    followUp.sync(
      "portfolio",
      () =>
        XSS_PAYLOADS.map((payload, i) => {
          const m = marker("t", i);
          markers.push(m);
          return {
            kind: "create" as const,
            content: {
              fingerprint: `xss:${i}`,
              title: `${m} ${payload.make(m)}`,
              action: payload.make(marker("a", i)),
              entity: payload.make(marker("e", i)),
              owner: "ceo",
              severity: "high" as const,
              due: "2026-11-30",
              report: "portfolio/2026-10/ceo",
              section: "summary",
              lastPeriod: "2026-10",
            },
          };
        }),
      "run:xss",
      "2026-11-21T08:00:00.000Z",
    );
    XSS_PAYLOADS.forEach((payload, i) => {
      const m = marker("n", i);
      markers.push(m);
      notes.add({
        tenant: "portfolio",
        period: "2026-10",
        role: "ceo",
        section: i % 5 === 0 ? payload.make(marker("s", i)) : "summary",
        author: "owner@example.com",
        via: "dashboard",
        text: `${m} ${payload.make(m)}`,
        at: "2026-11-21T09:00:00.000Z",
      });
    });
    sessions.startSession(
      hashSecret(SESSION),
      "owner@example.com",
      "2026-11-21T00:00:00.000Z",
      "2099-01-01T00:00:00.000Z",
    );
  } finally {
    followUp.close();
    notes.close();
    sessions.close();
  }
  ({ url: base, stop } = await serveDashboard({
    workspace: dir,
    env: {},
    host: "127.0.0.1",
    port: 0,
  }));
}, 180_000);

afterAll(async () => {
  await stop?.();
});

async function signedInContext(): Promise<BrowserContext> {
  const context = await browser().newContext({ viewport: { width: 1200, height: 800 } });
  await context.addCookies([
    { name: "exec_intel_session", value: SESSION, url: base, httpOnly: true, sameSite: "Lax" },
  ]);
  return context;
}

describe("the XSS corpus in the dashboard", () => {
  it.each([
    "/t/portfolio",
    "/t/portfolio/tasks",
    "/t/portfolio/r/2026-10/ceo",
    "/t/portfolio/deliveries",
  ])(
    "%s shows every planted payload as text and runs none",
    async (route) => {
      const context = await signedInContext();
      try {
        const page = await context.newPage();
        const dialogs: string[] = [];
        page.on("dialog", (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        const requested: string[] = [];
        page.on("request", (r) => {
          if (MARKER_PATTERN.test(r.url())) requested.push(r.url());
        });
        const response = await page.goto(`${base}${route}`);
        expect(response?.status()).toBe(200);
        await page.waitForTimeout(200);
        const state = await page.evaluate(`({
          ran: typeof window.__xss === "undefined" ? null : String(window.__xss),
          scripts: document.querySelectorAll("script").length,
          handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
          javascriptLinks: [...document.querySelectorAll("[href],[src],[action]")].filter((e) => /^\\s*javascript:/i.test(e.getAttribute("href") ?? e.getAttribute("src") ?? e.getAttribute("action") ?? "")).length,
          frames: [...document.querySelectorAll("iframe")].map((f) => f.getAttribute("name")),
          images: document.querySelectorAll("img").length,
          text: document.body.innerText,
        })`);
        const seen = state as {
          ran: string | null;
          scripts: number;
          handlers: number;
          javascriptLinks: number;
          frames: (string | null)[];
          images: number;
          text: string;
        };
        expect(seen.ran).toBeNull();
        expect(dialogs).toEqual([]);
        expect(requested).toEqual([]);
        expect(seen.scripts).toBe(0);
        expect(seen.handlers).toBe(0);
        expect(seen.javascriptLinks).toBe(0);
        expect(seen.images).toBe(0);
        // Only the report page frames anything: the archived email, under its own sandbox.
        expect(seen.frames).toEqual(route.includes("/r/") ? ["report"] : []);
        const shown = route.endsWith("/tasks")
          ? markers.filter((m) => m.startsWith("XssT"))
          : route.includes("/r/")
            ? markers.filter((m) => m.startsWith("XssN"))
            : [];
        const missing = shown.filter((m) => !seen.text.includes(m));
        expect(missing, "payload markers that did not show as text").toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
