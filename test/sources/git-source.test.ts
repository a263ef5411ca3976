import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriverContext } from "../../src/adapters/sources/collect.js";
import {
  type GitSourceOptions,
  type GitSourceResult,
  readGitSource,
} from "../../src/adapters/sources/git/read-git-source.js";
import { openGitScanCache } from "../../src/adapters/store/git-scan-cache.js";
import type { SourceConfig, TenantConfig } from "../../src/core/config.js";
import { createEntityResolver } from "../../src/core/entity-resolver.js";
import { makeTempDir } from "../helpers/cli.js";
import { business } from "../helpers/model.js";

// The git source against real repositories built here with the git CLI: fixed identities and
// dates, so commits and findings are the same on every run (planted key values aside).

type GitSource = Extract<SourceConfig, { type: "git" }>;

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (n: number) =>
  Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join("");
// Built from pieces at run time, so this repository never holds a Stripe-format key.
const stripeKey = () => `${"sk_"}${"live_"}${alnum(24)}`;
const githubToken = () => `${"gh"}${"p_"}${alnum(36)}`;

/** A repository under construction: files written in its work tree, commits at given dates. */
class TestRepo {
  constructor(readonly dir: string) {}

  static async create(dir: string): Promise<TestRepo> {
    await mkdir(dir, { recursive: true });
    const repo = new TestRepo(dir);
    repo.git(["-c", "init.defaultBranch=main", "init", "-q"]);
    return repo;
  }

  git(args: string[], date = "2026-01-01T12:00:00Z"): string {
    return execFileSync("git", args, {
      cwd: this.dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: this.dir,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: "Test Author",
        GIT_AUTHOR_EMAIL: "author@example.com",
        GIT_COMMITTER_NAME: "Test Committer",
        GIT_COMMITTER_EMAIL: "committer@example.com",
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    }).trim();
  }

  async write(files: Record<string, string | Buffer>): Promise<void> {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(this.dir, name)), { recursive: true });
      await writeFile(path.join(this.dir, name), content);
    }
  }

  async remove(...names: string[]): Promise<void> {
    for (const name of names) await rm(path.join(this.dir, name));
  }

  /** Stages everything and commits at `date`; returns the commit id. */
  commit(message: string, date: string, extra: string[] = []): string {
    this.git(["add", "-A"], date);
    this.git(["commit", "-q", "--allow-empty", "-m", message, ...extra], date);
    return this.git(["rev-parse", "HEAD"]);
  }
}

let workspace: string;
let cleanup: () => Promise<void>;
const context = (): DriverContext => ({
  workspace,
  periodEnd: "2026-10-31",
  // readGitSource reads nothing from the tenant but its entities, which come through the resolver.
  tenant: {} as TenantConfig,
  entities: createEntityResolver([business("studio", "Studio"), business("charters", "Charters")]),
});
const source = (relative: string, extra: Partial<GitSource> = {}): GitSource => ({
  id: "code",
  type: "git",
  path: relative,
  entity: "studio",
  repos: {},
  history: true,
  ...extra,
});
const read = (relative: string, extra: Partial<GitSource> = {}, options: GitSourceOptions = {}) =>
  readGitSource(source(relative, extra), context(), { periodEnd: "2026-10-31", ...options });
const only = (result: GitSourceResult) => {
  expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
  expect(result.repositories).toHaveLength(1);
  return result.repositories[0] as GitSourceResult["repositories"][number];
};

beforeAll(async () => {
  ({ dir: workspace, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

describe("git source: a folder of repositories", () => {
  let result: GitSourceResult;

  beforeAll(async () => {
    const api = await TestRepo.create(path.join(workspace, "code", "api"));
    await api.write({
      "package.json": JSON.stringify({
        name: "api",
        engines: { node: "14.x" },
        dependencies: { express: "^4.18.2", stripe: "^12.1.0" },
        scripts: { test: "node --test" },
      }),
      "serverless.yml":
        "service: api\nprovider:\n  name: aws\n  runtime: nodejs14.x\n  stage: staging\n",
      Dockerfile: "FROM node:14-alpine\nCOPY . .\n",
      "infra/main.tf": 'terraform {\n  required_version = ">= 1.5.0"\n}\nprovider "aws" {}\n',
      ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
      "test/orders.test.js": "import test from 'node:test';\n",
      "scripts/deploy.sh": "#!/bin/sh\nnpx serverless deploy\n",
      "docs/ROLLBACK.md": "# Rolling back\n",
    });
    api.commit("API", "2026-09-01T09:00:00Z");

    const rails = await TestRepo.create(path.join(workspace, "code", "rails-app"));
    await rails.write({
      Gemfile: 'source "https://rubygems.org"\nruby "2.7.2"\ngem "rails", "~> 6.0.3"\ngem "pg"\n',
      "Gemfile.lock": "GEM\n  specs:\n    rails (6.0.6)\n\nRUBY VERSION\n   ruby 2.7.2p137\n",
      "config/environments/staging.rb": "Rails.application.configure do\nend\n",
      "spec/models/booking_spec.rb": "describe Booking do\nend\n",
      Procfile: "web: bundle exec puma\n",
    });
    rails.commit("Rails app", "2026-08-15T09:00:00Z");

    const script = await TestRepo.create(path.join(workspace, "code", "booking-script"));
    await script.write({
      "appsscript.json": JSON.stringify({
        timeZone: "America/Los_Angeles",
        runtimeVersion: "DEPRECATED_ES5",
      }),
      "Code.gs": [
        "function doGet(e) {",
        "  var sheet = SpreadsheetApp.getActive().getSheetByName('Bookings');",
        "  return ContentService.createTextOutput(JSON.stringify(sheet.getDataRange().getValues()));",
        "}",
        "",
        "function doPost(e) {",
        "  if (e.parameter.token !== PropertiesService.getScriptProperties().getProperty('TOKEN')) {",
        "    return ContentService.createTextOutput('forbidden');",
        "  }",
        "  return record(e.postData.contents);",
        "}",
      ].join("\n"),
    });
    script.commit("Booking script", "2026-03-02T09:00:00Z");

    const site = await TestRepo.create(path.join(workspace, "code", "site"));
    await site.write({
      "index.html": "<!doctype html><title>Charters</title>",
      "css/site.css": "body{}",
    });
    site.commit("Site", "2025-11-30T09:00:00Z");

    await mkdir(path.join(workspace, "code", "not-a-repo"));
    result = await read("code", { repos: { site: "charters", ghost: "charters" } });
  });

  it("reads each repository folder, with its entity, branch, commits and provenance", () => {
    expect(
      result.repositories.map((r) => [r.id, r.entity, r.path, r.defaultBranch, r.commits]),
    ).toEqual([
      ["api", "studio", "code/api", "main", 1],
      ["booking-script", "studio", "code/booking-script", "main", 1],
      ["rails-app", "studio", "code/rails-app", "main", 1],
      ["site", "charters", "code/site", "main", 1],
    ]);
    const api = result.repositories[0];
    expect(api?.lastCommitDate).toBe("2026-09-01");
    expect(api?.provenance).toEqual({ sourceId: "code", file: "code/api", asOf: "2026-09-01" });
    expect(api?.headCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        file: "code",
        message: expect.stringContaining('"ghost"'),
      }),
    ]);
  });

  it("detects each stack with versions and end-of-life flags", () => {
    const stacks = Object.fromEntries(
      result.repositories.map((r) => [
        r.id,
        r.stack.map((s) => `${s.technology}@${s.version ?? "-"}${s.endOfLife ? " EOL" : ""}`),
      ]),
    );
    expect(stacks).toEqual({
      api: [
        "Node.js@14.x EOL",
        "Express@^4.18.2",
        "Stripe@^12.1.0",
        "Serverless Framework@-",
        "Docker@node:14-alpine",
        "Terraform@>= 1.5.0",
        "Terraform provider aws@-",
      ],
      "booking-script": ["Apps Script@DEPRECATED_ES5 EOL"],
      "rails-app": ["Ruby@2.7.2p137 EOL", "Rails@6.0.6 EOL", "PostgreSQL@-"],
      site: ["Static site@-"],
    });
  });

  it("finds the delivery cycle's signals, and their absence", () => {
    const [api, script, rails, site] = result.repositories;
    expect(api?.delivery).toEqual({
      ci: [".github/workflows/ci.yml"],
      tests: ["test/"],
      staging: ["serverless.yml"],
      deployScripts: ["scripts/deploy.sh"],
      rollbackDocs: ["docs/ROLLBACK.md"],
    });
    expect(rails?.delivery).toEqual({
      ci: [],
      tests: ["spec/"],
      staging: ["config/environments/staging.rb"],
      deployScripts: ["Procfile"],
      rollbackDocs: [],
    });
    const none = { ci: [], tests: [], staging: [], deployScripts: [], rollbackDocs: [] };
    expect(script?.delivery).toEqual(none);
    expect(site?.delivery).toEqual(none);
  });

  it("reports the Apps Script doGet without a credential check, not the doPost with one", () => {
    const script = result.repositories.find((r) => r.id === "booking-script");
    expect(script?.endpoints).toEqual([
      expect.objectContaining({
        path: "Code.gs",
        line: 1,
        handler: "doGet",
        note: expect.stringMatching(/^needs review: /),
      }),
    ]);
    expect(
      result.repositories.flatMap((r) => (r.id === "booking-script" ? [] : r.endpoints)),
    ).toEqual([]);
  });
});

describe("git source: credentials in history", () => {
  let repo: TestRepo;
  let key: string;
  let added: string;
  let envCommit: string;

  beforeAll(async () => {
    repo = await TestRepo.create(path.join(workspace, "billing"));
    key = stripeKey();
    await repo.write({
      "README.md": "# Billing\n",
      "src/config.js": `// Payments\nexport const stripeKey = "${key}";\nexport const currency = "usd";\n`,
    });
    added = repo.commit("Add billing", "2026-01-05T10:00:00Z");
    await repo.write({
      "src/config.js": `// Payments\nexport const stripeKey = "${key}";\nexport const currency = "eur";\n`,
    });
    repo.commit("Switch currency", "2026-01-20T10:00:00Z");
    await repo.write({
      "src/config.js":
        '// Payments\nexport const stripeKey = process.env.STRIPE_KEY;\nexport const currency = "eur";\n',
      ".env": "STRIPE_ACCOUNT=acct_1\nLOG_LEVEL=debug\n",
      ".env.example": "STRIPE_KEY=\n",
    });
    envCommit = repo.commit("Read the key from the environment", "2026-02-10T10:00:00Z");
  });

  it("reports the removed key by kind, adding commit, path, line and mask, never its value", async () => {
    const result = await read("billing");
    const billing = only(result);
    expect(billing.secrets).toEqual([
      {
        kind: "Stripe live secret key",
        ruleId: "exec-intel/stripe",
        commit: added,
        commitDate: "2026-01-05",
        path: "src/config.js",
        line: 2,
        fingerprint: expect.stringMatching(/^sk_l… sha256:[0-9a-f]{8}$/),
        inHead: false,
      },
    ]);
    expect(billing.envFiles).toEqual([
      { path: ".env", commit: envCommit, commitDate: "2026-02-10", inHead: true },
    ]);
    expect(result.stats[0]).toMatchObject({ mode: "full", commitsWalked: 3 });
    const everything = JSON.stringify(result);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(8));
  });

  it("scans only the current tree with history off, attributing findings by blame", async () => {
    const token = githubToken();
    await repo.write({
      "scripts/release.sh": `#!/bin/sh\nexport GH_TOKEN=${token}\ngh release create\n`,
    });
    const tokenCommit = repo.commit("Release script", "2026-03-01T10:00:00Z");
    // A line inserted above moves the token to line 3; blame still names the commit that wrote it.
    await repo.write({
      "scripts/release.sh": `#!/bin/sh\n# Releases need a token.\nexport GH_TOKEN=${token}\ngh release create\n`,
    });
    repo.commit("Document the release script", "2026-03-02T10:00:00Z");

    const head = only(await read("billing", { history: false }));
    expect(head.secrets).toEqual([
      expect.objectContaining({
        kind: "GitHub personal access token",
        path: "scripts/release.sh",
        line: 3,
        commit: tokenCommit,
        commitDate: "2026-03-01",
        inHead: true,
      }),
    ]);
    expect(head.envFiles).toEqual([
      { path: ".env", commit: envCommit, commitDate: "2026-02-10", inHead: true },
    ]);
    const full = only(await read("billing"));
    expect(full.secrets.map((s) => [s.path, s.inHead])).toEqual([
      ["scripts/release.sh", true],
      ["src/config.js", false],
    ]);
  });
});

describe("git source: branches and merges", () => {
  it("attributes a secret to the branch commit that added it, or to the merge that wrote it", async () => {
    const repo = await TestRepo.create(path.join(workspace, "merged"));
    await repo.write({ "README.md": "# Merged\n", "app.js": "export const a = 1;\n" });
    repo.commit("Start", "2026-07-01T10:00:00Z");
    repo.git(["checkout", "-q", "-b", "feature"]);
    await repo.write({ "feature.js": `export const token = "${githubToken()}";\n` });
    const onBranch = repo.commit("Feature", "2026-07-02T10:00:00Z");
    repo.git(["checkout", "-q", "main"]);
    await repo.write({ "app.js": "export const a = 2;\n" });
    repo.commit("Main moves on", "2026-07-03T10:00:00Z");
    repo.git(["merge", "-q", "--no-ff", "--no-commit", "feature"], "2026-07-04T10:00:00Z");
    // Written while resolving the merge: it exists in no parent, only in the merge commit.
    await repo.write({ "app.js": `export const a = 3;\nexport const key = "${stripeKey()}";\n` });
    const merge = repo.commit("Merge feature", "2026-07-04T10:00:00Z");
    repo.git(["branch", "-q", "-D", "feature"]);

    const merged = only(await read("merged"));
    expect(merged.secrets.map((s) => [s.path, s.kind, s.commit, s.commitDate])).toEqual([
      ["app.js", "Stripe live secret key", merge, "2026-07-04"],
      ["feature.js", "GitHub personal access token", onBranch, "2026-07-02"],
    ]);
    expect(merged.commits).toBe(4);
  });
});

describe("git source: what is not scanned", () => {
  it("scans only what the refs reach after a history rewrite", async () => {
    const repo = await TestRepo.create(path.join(workspace, "rewritten"));
    await repo.write({ "README.md": "# Notes\n" });
    const base = repo.commit("Start", "2026-04-01T10:00:00Z");
    const dropped = githubToken();
    await repo.write({ "notes.txt": `token ${dropped}\n` });
    repo.commit("Oops", "2026-04-02T10:00:00Z");
    const droppedBlob = repo.git(["rev-parse", "HEAD:notes.txt"]);
    repo.git(["reset", "-q", "--hard", base]);
    const amended = stripeKey();
    await repo.write({ "pay.js": `const k = "${amended}";\n` });
    repo.commit("Pay", "2026-04-03T10:00:00Z");
    await repo.write({ "pay.js": "const k = process.env.K;\n" });
    repo.commit("Pay", "2026-04-03T10:00:00Z", ["--amend"]);
    await repo.write({ "later.txt": "after the rewrite\n" });
    repo.commit("Later", "2026-04-04T10:00:00Z");

    // The dropped objects are still in the object store, only unreachable from any ref.
    expect(repo.git(["cat-file", "-t", droppedBlob])).toBe("blob");
    const result = await read("rewritten");
    const rewritten = only(result);
    expect(rewritten.secrets).toEqual([]);
    expect(rewritten.commits).toBe(3);
    expect(result.stats[0]?.commitsWalked).toBe(3);
    expect(JSON.stringify(result)).not.toContain(dropped);
  });

  it("skips binary files, files over the size limit and submodules without an error", async () => {
    const repo = await TestRepo.create(path.join(workspace, "assets"));
    const inBinary = stripeKey();
    const inHuge = stripeKey();
    await repo.write({
      "logo.png": Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
        Buffer.from(` ${inBinary} `),
      ]),
      "data/export.csv": `${"id,name,amount\n".repeat(80_000)}key,${inHuge}\n`,
      "README.md": "# Assets\n",
    });
    // A gitlink, as `git submodule add` records it (the submodule's own repository is not needed).
    repo.git(["add", "-A"]);
    repo.git(["update-index", "--add", "--cacheinfo", `160000,${"a".repeat(40)},vendor/theme`]);
    repo.git(["commit", "-q", "-m", "Assets"], "2026-05-01T10:00:00Z");
    expect(repo.git(["ls-tree", "HEAD", "vendor/theme"])).toMatch(
      /^160000 commit a{40}\tvendor\/theme$/,
    );
    const debug: string[] = [];
    const result = await read("assets", {}, { debug: (line) => debug.push(line) });
    const assets = only(result);
    expect(result.problems).toEqual([]);
    expect(assets.secrets).toEqual([]);
    expect(result.stats[0]).toMatchObject({
      blobsRead: 1,
      skipped: { binary: 1, large: 1, submodules: 1 },
    });
    expect(debug.join("\n")).toMatch(/logo\.png .*binary/);
    expect(debug.join("\n")).toMatch(/data\/export\.csv .*larger than 1048576 bytes/);
    expect(debug.join("\n")).toMatch(/submodule vendor\/theme/);
  });

  it("says what to do about a path that is not a repository, or is missing or empty", async () => {
    await mkdir(path.join(workspace, "plain", "docs"), { recursive: true });
    await writeFile(path.join(workspace, "plain", "notes.md"), "# not code\n");
    const plain = await read("plain");
    expect(plain.repositories).toEqual([]);
    expect(plain.problems).toEqual([
      {
        file: "plain",
        message: "not a git repository, and none of its subfolders is one",
        hint: expect.stringContaining("git init"),
        severity: "error",
      },
    ]);
    const missing = await read("nowhere");
    expect(missing.problems).toEqual([
      expect.objectContaining({
        file: "nowhere",
        severity: "error",
        message: "repository folder does not exist",
      }),
    ]);

    await TestRepo.create(path.join(workspace, "empty"));
    const empty = await read("empty");
    expect(empty.repositories).toEqual([]);
    expect(empty.problems).toEqual([
      expect.objectContaining({
        file: "empty",
        severity: "warning",
        message: "repository has no commits",
      }),
    ]);

    const unknown = await read("empty", { entity: "nobody" });
    expect(unknown.problems).toEqual([
      expect.objectContaining({
        file: "empty",
        severity: "error",
        message: 'entity "nobody" of repository "empty" is not defined',
        hint: expect.stringContaining("studio (Studio)"),
      }),
    ]);
  });
});

describe("git source: incremental re-scan with the SQLite cache", () => {
  it("reads only the new blobs after a new commit and finds the same secrets", async () => {
    const repo = await TestRepo.create(path.join(workspace, "growing"));
    const key = stripeKey();
    await repo.write({
      "src/a.js": `export const key = "${key}";\n`,
      "src/b.js": "export const b = 2;\n",
      "README.md": "# Growing\n",
    });
    repo.commit("One", "2026-06-01T10:00:00Z");
    await repo.write({
      "src/a.js": "export const key = process.env.KEY;\n",
      "src/c.js": "export const c = 3;\n",
    });
    repo.commit("Two", "2026-06-02T10:00:00Z");

    const stateFile = path.join(workspace, ".exec-intel", "state.sqlite");
    let cache = openGitScanCache(stateFile);
    try {
      const first = await read("growing", {}, { cache });
      expect(first.stats[0]).toMatchObject({
        mode: "full",
        commitsWalked: 2,
        blobsRead: 5,
        blobsReused: 0,
      });
      const uncached = await read("growing");
      expect(only(first).secrets).toEqual(only(uncached).secrets);
      expect(only(first).secrets).toHaveLength(1);

      await repo.write({
        "src/b.js": "export const b = 20;\n",
        "src/d.js": "export const d = 4;\n",
      });
      repo.commit("Three", "2026-06-03T10:00:00Z");
      const second = await read("growing", {}, { cache });
      expect(second.stats[0]).toMatchObject({
        mode: "incremental",
        commitsWalked: 1,
        blobsRead: 2,
        blobsReused: 0,
      });
      expect(only(second).secrets).toEqual(only(first).secrets);
      expect(only(second).commits).toBe(3);

      // The state outlives the process: a reopened database continues where it stopped.
      cache.close();
      cache = openGitScanCache(stateFile);
      const third = await read("growing", {}, { cache });
      expect(third.stats[0]).toMatchObject({ mode: "incremental", commitsWalked: 0, blobsRead: 0 });
      expect(only(third).secrets).toEqual(only(first).secrets);

      // After a rewrite the whole history is walked again, but known blobs are not re-read.
      repo.git(["reset", "-q", "--hard", "HEAD~2"]);
      await repo.write({ "src/e.js": "export const e = 5;\n" });
      repo.commit("Rewritten", "2026-06-04T10:00:00Z");
      const rewritten = await read("growing", {}, { cache });
      expect(rewritten.stats[0]).toMatchObject({
        mode: "full",
        commitsWalked: 2,
        blobsRead: 1,
        blobsReused: 3,
      });
      expect(only(rewritten).secrets).toEqual([
        expect.objectContaining({ path: "src/a.js", inHead: true }),
      ]);
    } finally {
      cache.close();
    }
    // The cache holds masked fingerprints only (closing checkpointed the WAL into the file).
    const stored = await readFile(stateFile);
    expect(stored.includes("sk_l… sha256:")).toBe(true);
    expect(stored.includes(key)).toBe(false);
  });
});
