// The README's two pictures, taken the way a person meets the product: the CEO report of the
// reference portfolio as its email shows it, and the dashboard after signing in with the link
// the outbox received. Run after `npm run demo` (it reads examples/portfolio/.exec-intel):
//
//   npm run docs:screenshots     → docs/images/report-email.png, docs/images/dashboard.png
//
// Uses Debian's chromium through playwright-core, like the rendering checks.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findChromium, withBrowser } from "../dist/adapters/browser/chromium.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORKSPACE = path.join(ROOT, "examples", "portfolio");
const PREVIEW = path.join(WORKSPACE, ".exec-intel", "preview", "portfolio", "2026-10");
const OUT = path.join(ROOT, "docs", "images");
const OWNER = "owner@example.com";

if (!existsSync(path.join(PREVIEW, "ceo-report.html"))) {
  console.error(`no ${path.relative(ROOT, PREVIEW)}/ceo-report.html: run \`npm run demo\` first`);
  process.exit(2);
}
const chromium = findChromium();
if (chromium === undefined) {
  console.error("Chromium not found: sudo apt-get install chromium (or set CHROMIUM_PATH)");
  process.exit(2);
}
await mkdir(OUT, { recursive: true });

const server = await startDashboard();
try {
  await withBrowser(async (browser) => {
    const context = await browser.newContext({
      viewport: { width: 760, height: 1100 },
      colorScheme: "light",
    });
    const page = await context.newPage();
    // The email as a recipient opens it: the preview's HTML with its charts beside it.
    await page.goto(`file://${path.join(PREVIEW, "ceo-report.html")}`);
    await page.screenshot({ path: path.join(OUT, "report-email.png") });

    await page.setViewportSize({ width: 1200, height: 900 });
    await page.goto(`${server.origin}/sign-in`);
    await page.fill("#email", OWNER);
    await page.click("button[type=submit]");
    const link = await server.nextLink();
    await page.goto(link);
    await page.click("button[type=submit]");
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: path.join(OUT, "dashboard.png") });
    await context.close();
  }, chromium);
} finally {
  server.stop();
}
console.log("wrote docs/images/report-email.png and docs/images/dashboard.png: look at both");

/** `exec-intel serve` on a free port; sign-in links arrive on its stderr (outbox transport). */
async function startDashboard() {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "bin", "exec-intel.js"), "serve", "-w", WORKSPACE, "--port", "0"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let output = "";
  const waiters = [];
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    output += chunk;
    for (const waiter of waiters.splice(0)) waiter();
  });
  const waitFor = (pattern) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve did not print ${pattern}:\n${output}`)),
        30_000,
      );
      const check = () => {
        const match = output.match(pattern);
        if (match !== null) {
          clearTimeout(timer);
          output = output.slice(match.index + match[0].length);
          resolve(match[1]);
        } else waiters.push(check);
      };
      check();
    });
  const origin = await waitFor(/dashboard on (http:\/\/\S+)/);
  return {
    origin,
    nextLink: () => waitFor(/^\s+(http:\/\/\S+\/auth\?token=\S+)$/m),
    stop: () => child.kill("SIGTERM"),
  };
}
