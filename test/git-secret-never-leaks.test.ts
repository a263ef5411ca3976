import { execFileSync } from "node:child_process";
import { appendFile, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, copyWorkspace, PORTFOLIO, runCli } from "./helpers/cli.js";

// Issue 8's promise, end to end on a copy of the reference portfolio: the Stripe key committed
// to dc-portal and removed later is reported by kind, commit and path, and its value reaches no
// output — report renditions, the PDF, the delivered messages (decoded), the archive, the audit
// log, the state database, stdout or stderr — while the gate, shown the value, would block.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The key as the first commit of the generated dc-portal repository holds it. */
function committedStripeKey(): { value: string; commit: string } {
  const repo = path.join(PORTFOLIO, "repos", "dc-portal");
  const commit = execFileSync("git", ["-C", repo, "rev-list", "--max-parents=0", "HEAD"], {
    encoding: "utf8",
  }).trim();
  const source = execFileSync("git", ["-C", repo, "show", `${commit}:src/webhook.js`], {
    encoding: "utf8",
  });
  const value = /sk_live_[A-Za-z0-9]+/.exec(source)?.[0];
  if (value === undefined) throw new Error("the generated repository holds no Stripe key");
  return { value, commit };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe("a Stripe key in git history", () => {
  const key = committedStripeKey();
  let dir: string;
  let run: CliRun;

  beforeAll(async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    cleanups.push(copy.cleanup);
    dir = copy.dir;
    run = await runCli(["run", "-w", dir, "--period", "2026-10", "--json"]);
  }, 120_000);

  it("is reported in the CTO report by kind, commit and path, with a masked fingerprint", async () => {
    expect(run.code, run.stderr).toBe(0);
    const day = (await readdir(path.join(dir, ".exec-intel", "archive", "portfolio")))[0] ?? "";
    const markdown = await readFile(
      path.join(dir, ".exec-intel", "archive", "portfolio", day, "cto-report.md"),
      "utf8",
    );
    const line = markdown.split("\n").find((l) => l.includes("Stripe live secret key"));
    expect(line).toContain(`added in commit ${key.commit.slice(0, 7)}`);
    expect(line).toContain("src/webhook.js:1");
    expect(line).toMatch(/sk_l… sha256:[0-9a-f]{8}/);
  });

  it("reaches no output: renditions, PDF, decoded messages, archive, log, state, console", async () => {
    const files = await filesUnder(path.join(dir, ".exec-intel"));
    expect(files.some((f) => f.endsWith(".eml"))).toBe(true);
    expect(files.some((f) => f.endsWith(".pdf"))).toBe(true);
    expect(files.some((f) => f.endsWith(".jsonl"))).toBe(true);
    expect(files.some((f) => f.endsWith("state.sqlite"))).toBe(true);
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(key.value), file).toBe(false);
      if (file.endsWith(".eml")) {
        // Message bodies are quoted-printable or base64: look at them decoded too.
        const mail = await simpleParser(bytes);
        expect(`${mail.text ?? ""}${mail.html || ""}`.includes(key.value), file).toBe(false);
        for (const attachment of mail.attachments)
          expect(attachment.content.includes(key.value), `${file}: ${attachment.filename}`).toBe(
            false,
          );
      }
      if (file.endsWith(".pdf")) {
        const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
        expect(text.includes(key.value), file).toBe(false);
      }
    }
    expect(run.stdout.includes(key.value)).toBe(false);
    expect(run.stderr.includes(key.value)).toBe(false);
  });

  it("would block delivery if it ever reached a report: the gate names it by kind", async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    cleanups.push(copy.cleanup);
    await appendFile(
      path.join(copy.dir, "data/handoffs/dangerouscentaur-lambda-stripe.md"),
      `- [security] [critical] The webhook still falls back to ${key.value} when the environment is empty.\n`,
    );
    const blocked = await runCli(["run", "-w", copy.dir, "--period", "2026-10", "--dry-run"]);
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toMatch(/error: credentials: .*Stripe live secret key/);
    expect(blocked.stderr.includes(key.value)).toBe(false);
  });
});
