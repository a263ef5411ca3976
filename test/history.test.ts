import { execFileSync } from "node:child_process";
import { appendFile, chmod, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PORTFOLIO_ROLES, portfolioCopies, runCli } from "./helpers/cli.js";

// The run history, manifests and `verify` end to end on a copy of the portfolio: two runs on
// one day (the second finds every name taken), then the archive tampered with in each way
// `verify` must catch. The clock of runCli is fixed at 2026-11-21.

const DAY = "2026-11-21";
/** A copy of the portfolio without PDFs (they have their own tests), `yaml` appended to its config. */
const workspace = portfolioCopies();

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  }).trim();

interface Summary {
  runId: string;
  archive: {
    location: string;
    manifests: { tenant: string; key: string; sha256: string }[];
  } | null;
  tenants: {
    id: string;
    reports: { role: string; archive: { key: string; sha256: string }[] }[];
  }[];
  deliveries: { sentNow: boolean; messageId: string; recipient: string; report: string }[];
}

async function run(dir: string, ...extra: string[]) {
  const result = await runCli(["run", "-w", dir, "--period", "2026-10", "--json", ...extra]);
  return {
    ...result,
    summary: (result.stdout === "" ? undefined : JSON.parse(result.stdout)) as Summary,
  };
}

const archiveDir = (dir: string) => path.join(dir, ".exec-intel", "archive");
const readJson = async (file: string) => JSON.parse(await readFile(file, "utf8"));

describe("two runs on one day, then history, show and verify", () => {
  let dir: string;
  let first: Summary;
  let second: Summary;
  let head: string;

  beforeAll(async () => {
    dir = await workspace();
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "workspace");
    head = git(dir, "rev-parse", "HEAD");
    const a = await run(dir);
    expect(a.code, a.stderr).toBe(0);
    first = a.summary;
    // An edit the second run's manifest must call "dirty".
    await appendFile(path.join(dir, "exec-intel.yaml"), "\n# edited\n");
    const b = await run(dir);
    expect(b.code, b.stderr).toBe(0);
    second = b.summary;
  }, 120_000);

  it("the first run archives each report under the day folder and writes manifest.json", async () => {
    const portfolio = path.join(archiveDir(dir), "portfolio", DAY);
    const files = await readdir(portfolio);
    for (const role of PORTFOLIO_ROLES) {
      for (const ext of ["html", "txt", "md", "json"])
        expect(files).toContain(`${role}-report.${ext}`);
    }
    expect(files).toContain("manifest.json");
    expect(first.archive?.manifests.map((m) => m.key).sort()).toEqual([
      `harbor-bakery/${DAY}/manifest.json`,
      `portfolio/${DAY}/manifest.json`,
    ]);
    const cfo = first.tenants
      .find((t) => t.id === "portfolio")
      ?.reports.find((r) => r.role === "cfo");
    expect(cfo?.archive.map((o) => o.key)).toContain(`portfolio/${DAY}/cfo-report.html`);
  });

  it("the manifest records run, tool, git commit, sources, hashes, gate and deliveries", async () => {
    const manifest = await readJson(path.join(archiveDir(dir), "portfolio", DAY, "manifest.json"));
    expect(manifest.runId).toBe(first.runId);
    expect(manifest.tool).toEqual({
      name: "exec-intel",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(manifest.workspace).toEqual({ gitCommit: head, dirty: false });
    expect(manifest.period).toBe("2026-10");
    expect(manifest.sources.length).toBeGreaterThan(5);
    for (const source of manifest.sources) {
      expect(source).toMatchObject({ status: expect.stringMatching(/^(fresh|stale|empty)$/) });
      expect(source).toHaveProperty("asOf");
      expect(source).toHaveProperty("ageDays");
    }
    expect(manifest.validation).toEqual({ ok: true, problems: [], warnings: [], downgraded: [] });
    const { createHash } = await import("node:crypto");
    for (const object of manifest.objects) {
      const bytes = await readFile(path.join(archiveDir(dir), object.key));
      expect(createHash("sha256").update(bytes).digest("hex"), object.key).toBe(object.sha256);
      expect(bytes.length).toBe(object.bytes);
    }
    const sent = first.deliveries.filter((d) => d.sentNow && !d.recipient.includes("baker"));
    expect(manifest.deliveries.map((d: { messageId: string }) => d.messageId).sort()).toEqual(
      sent.map((d) => d.messageId).sort(),
    );
    expect(manifest.deliveries.every((d: { status: string }) => d.status === "sent")).toBe(true);
    expect(manifest.related).toEqual([]);
  });

  it("the second run leaves the first's objects alone and writes run-suffixed keys that link back", async () => {
    const firstManifest = await readJson(
      path.join(archiveDir(dir), "portfolio", DAY, "manifest.json"),
    );
    expect(firstManifest.runId).toBe(first.runId);
    const key = `portfolio/${DAY}/manifest.${second.runId}.json`;
    expect(second.archive?.manifests.map((m) => m.key)).toContain(key);
    const manifest = await readJson(path.join(archiveDir(dir), key));
    expect(manifest.related).toEqual([`portfolio/${DAY}/manifest.json`]);
    expect(manifest.workspace).toEqual({ gitCommit: head, dirty: true });
    for (const object of manifest.objects) expect(object.key).toContain(`.${second.runId}.`);
    // Nothing new was sent: the ledger had it all, and the manifest says so.
    expect(second.deliveries.filter((d) => d.sentNow)).toEqual([]);
    expect(manifest.deliveries.every((d: { sentNow: boolean }) => !d.sentNow)).toBe(true);
  });

  it("history lists both runs, newest first, with sent counts", async () => {
    const result = await runCli(["history", "-w", dir, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const runs = JSON.parse(result.stdout);
    expect(runs.map((r: { runId: string }) => r.runId)).toEqual([second.runId, first.runId]);
    expect(runs[1]).toMatchObject({
      status: "finished",
      validation: "passed",
      sent: 11,
      failed: 0,
      reports: 9,
    });
    expect(runs[0]).toMatchObject({ status: "finished", sent: 0, failed: 0 });
    const text = await runCli(["history", "-w", dir]);
    expect(text.stdout.split("\n")[1]).toContain(second.runId);
    expect(text.stdout).toMatch(/2026-10 +portfolio,harbor-bakery +9 +11\/0 +passed +finished/);
  });

  it("show prints the run and its manifests' deliveries; an unknown run is bad input", async () => {
    const result = await runCli(["show", "-w", dir, first.runId.slice(0, 24)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`run ${first.runId}: finished, gate passed`);
    for (const d of first.deliveries) expect(result.stdout).toContain(d.messageId);
    const unknown = await runCli(["show", "-w", dir, "20990101T000000Z-nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("exec-intel history");
  });

  it("verify confirms both runs, then catches a changed object, a missing one and a rewritten manifest", async () => {
    for (const id of [first.runId, "latest"]) {
      const ok = await runCli(["verify", "-w", dir, id]);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/all hashes match/);
    }
    const changed = path.join(archiveDir(dir), "portfolio", DAY, "cmo-report.md");
    await chmod(changed, 0o644);
    await appendFile(changed, "\nedited after the fact\n");
    await rm(path.join(archiveDir(dir), "portfolio", DAY, "cfo-report.txt"), { force: true });
    const bad = await runCli(["verify", "-w", dir, first.runId]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /changed +\S+cmo-report\.md: expected sha256 [0-9a-f]{64}, found [0-9a-f]{64}/,
    );
    expect(bad.stdout).toMatch(/missing +\S+cfo-report\.txt/);
    expect(bad.stdout).toContain("2 problem(s)");
    // A forger who also rewrites the manifest's hashes is caught by the history's hash of it.
    const manifestFile = path.join(archiveDir(dir), "harbor-bakery", DAY, "manifest.json");
    const manifest = await readJson(manifestFile);
    manifest.objects[0].sha256 = "0".repeat(64);
    await chmod(manifestFile, 0o644);
    await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
    const forged = await runCli(["verify", "-w", dir, first.runId]);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/changed +\S+harbor-bakery\/2026-11-21\/manifest\.json/);
    // The second run's objects were never touched.
    expect((await runCli(["verify", "-w", dir, second.runId])).code).toBe(0);
  });
});

describe("runs that archive nothing", () => {
  it("a dry run keeps no history, log or archive", async () => {
    const dir = await workspace();
    const result = await run(dir, "--dry-run");
    expect(result.code, result.stderr).toBe(0);
    const state = await readdir(path.join(dir, ".exec-intel")).catch(() => []);
    expect(state).toEqual([]);
  });

  it("a blocked run is in the history with its gate status, and has nothing to verify", async () => {
    const dir = await workspace("validation:\n  freshness: { blockAfterDays: 10 }");
    const result = await run(dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("no report was archived or sent");
    const runs = JSON.parse((await runCli(["history", "-w", dir, "--json"])).stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: "blocked",
      validation: "blocked",
      sent: 0,
      manifests: [],
    });
    expect(await readdir(path.join(dir, ".exec-intel"))).not.toContain("archive");
    const verify = await runCli(["verify", "-w", dir, "latest"]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("has no manifest to verify");
  });
});
