import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { makeTempDir, runCli } from "./helpers/cli.js";
import { filesUnder } from "./helpers/files.js";

// `exec-intel init`: the first command a new user types. What it writes must be what they asked
// for, must validate and render straight away, must never overwrite anything, and must say
// what to type next.

const REPO = fileURLToPath(new URL("..", import.meta.url));
const BIN = path.join(REPO, "bin", "exec-intel.js");

interface WrittenConfig {
  tenants: {
    id: string;
    name: string;
    currency: string;
    timezone: string;
    entities: { id: string; name: string }[];
    roles: Record<string, { recipients: { name: string; email: string }[] }>;
    sources: { id: string; entity?: string }[];
  }[];
}

let scratch = "";
let cleanup: () => Promise<void> = async () => {};
let counter = 0;

beforeAll(async () => {
  ({ dir: scratch, cleanup } = await makeTempDir());
});

afterAll(async () => {
  await cleanup();
});

/** A fresh parent folder, and a not yet existing workspace folder inside it. */
async function target(name = "ws"): Promise<{ parent: string; dir: string }> {
  counter += 1;
  const parent = path.join(scratch, `case-${counter}`);
  await mkdir(parent);
  return { parent, dir: path.join(parent, name) };
}

async function readConfig(dir: string): Promise<WrittenConfig> {
  return parse(await readFile(path.join(dir, "exec-intel.yaml"), "utf8")) as WrittenConfig;
}

/** Every file under `dir` with its contents, to compare before and after a refusal. */
async function contentsUnder(dir: string): Promise<Record<string, string>> {
  const files = await filesUnder(dir);
  return Object.fromEntries(
    await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f), "utf8")])),
  );
}

const TEMPLATE_FILES = [
  ".env.example",
  ".gitignore",
  "data/bookings.csv",
  "data/handoffs/operations.md",
  "data/kpis/observations.csv",
  "data/kpis/targets.csv",
  "data/ledger/checking.csv",
  "data/registry.yaml",
  "exec-intel.yaml",
];

describe("init from flags", () => {
  it("writes a workspace with what was asked, which validates and renders at once", async () => {
    const { dir } = await target();
    const init = await runCli([
      "init",
      dir,
      "--tenant",
      "Acme & Co",
      "--entity",
      "Café Uno",
      "--entity",
      "Bar Two",
      "--role",
      "ceo,cto",
      "--role",
      "cfo",
      "--recipient",
      "ceo=jane.doe@acme.example",
      "--recipient",
      "cfo=books@acme.example,ap@acme.example",
      "--currency",
      "eur",
      "--timezone",
      "Europe/Paris",
    ]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toBe("");
    const tenant = (await readConfig(dir)).tenants[0];
    expect(tenant).toMatchObject({
      id: "acme-and-co",
      name: "Acme & Co",
      currency: "EUR",
      timezone: "Europe/Paris",
    });
    expect(tenant?.entities.map((e) => [e.id, e.name])).toEqual([
      ["cafe-uno", "Café Uno"],
      ["bar-two", "Bar Two"],
    ]);
    expect(Object.keys(tenant?.roles ?? {})).toEqual(["ceo", "cto", "cfo"]);
    expect(tenant?.roles.ceo?.recipients).toEqual([
      { name: "Jane Doe", email: "jane.doe@acme.example" },
    ]);
    expect(tenant?.roles.cto?.recipients.map((r) => r.email)).toEqual(["owner@example.com"]);
    expect(tenant?.roles.cfo?.recipients.map((r) => r.email)).toEqual([
      "books@acme.example",
      "ap@acme.example",
    ]);
    // The sample's records belong to the first entity, in the config and in the data.
    expect(tenant?.sources.find((s) => s.id === "checking")?.entity).toBe("cafe-uno");
    const bookings = await readFile(path.join(dir, "data", "bookings.csv"), "utf8");
    expect(bookings).toContain(",cafe-uno,");
    expect(bookings).not.toContain("main-street-cafe");

    const validate = await runCli(["validate", "-w", dir]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stderr).toBe("");
    expect(validate.stdout).toMatch(
      /^ok: 1 tenant\(s\), 5 sources, \d+ records, 0 warning\(s\)\n$/,
    );

    const reports = await runCli(["validate", "-w", dir, "--reports"]);
    expect(reports.code, reports.stderr).toBe(0);
    expect(reports.stderr).toContain("gate: passed (3 report(s), 1 tenant(s))");
  });

  it("takes the defaults when no flag is given", async () => {
    const { dir } = await target();
    const init = await runCli(["init", dir]);
    expect(init.code, init.stderr).toBe(0);
    const tenant = (await readConfig(dir)).tenants[0];
    expect(tenant?.id).toBe("my-business");
    expect(tenant?.currency).toBe("USD");
    expect(tenant?.entities.map((e) => e.id)).toEqual(["main-street-cafe"]);
    expect(Object.keys(tenant?.roles ?? {})).toEqual(["ceo", "cfo"]);
    expect(tenant?.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it("prints the next three commands with -w DIR", async () => {
    const { dir } = await target();
    const init = await runCli(["init", dir, "--no-input"]);
    expect(init.code, init.stderr).toBe(0);
    const next = init.stdout.split("\n").filter((line) => /^ {2}\S/.test(line));
    expect(next).toHaveLength(3);
    expect(next[0]).toMatch(new RegExp(`^ {2}exec-intel validate -w ${escapeRegExp(dir)}\\s`));
    expect(next[1]).toMatch(new RegExp(`^ {2}exec-intel preview -w ${escapeRegExp(dir)}\\s`));
    expect(next[2]).toMatch(new RegExp(`^ {2}exec-intel run -w ${escapeRegExp(dir)}\\s`));
  });

  it("prints npx exec-intel when run through npx, and quotes a folder with a space", async () => {
    const { dir } = await target("my workspace");
    const init = await runCli(["init", dir], { env: { npm_command: "exec" } });
    expect(init.code, init.stderr).toBe(0);
    const next = init.stdout.split("\n").filter((line) => /^ {2}\S/.test(line));
    expect(next.map((line) => line.trim().split(/\s{2,}/)[0])).toEqual([
      `npx exec-intel validate -w "${dir}"`,
      `npx exec-intel preview -w "${dir}"`,
      `npx exec-intel run -w "${dir}"`,
    ]);
    expect(init.stdout).not.toMatch(/^ {2}exec-intel /m);
  });
});

describe("init moves the sample to the last full month", () => {
  it("puts the sample in 2027-02 when run on 2027-03-05, and nothing is stale then", async () => {
    const now = new Date("2027-03-05T10:00:00Z");
    const { dir } = await target();
    const init = await runCli(["init", dir], { now });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("sample data for 2027-02");

    const ledger = (await readFile(path.join(dir, "data", "ledger", "checking.csv"), "utf8"))
      .trim()
      .split("\n")
      .slice(1);
    expect(ledger.length).toBeGreaterThan(0);
    for (const row of ledger) expect(row).toMatch(/^02\/\d{2}\/2027,/);
    // Amounts are not dates, even when they have a comma and a point.
    expect(ledger.join("\n")).toContain('"1,812.40"');
    const kpis = await readFile(path.join(dir, "data", "kpis", "observations.csv"), "utf8");
    expect(kpis).toContain(",2027-02,");
    expect(kpis).toContain(",2027-01,");
    expect(kpis).not.toMatch(/2026-(09|10)/);
    const registry = await readFile(path.join(dir, "data", "registry.yaml"), "utf8");
    // 31 October moved four months has no 31st: the last day of February 2027.
    expect(registry).toContain("asOf: 2027-02-28");
    const bookings = await readFile(path.join(dir, "data", "bookings.csv"), "utf8");
    expect(bookings).toContain("cat-1001,");
    expect(bookings).toMatch(/,2027-02-03,/);

    const validate = await runCli(["validate", "-w", dir, "--period", "2027-02"], { now });
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stderr).not.toContain("stale");
    expect(validate.stdout).toContain("0 warning(s)");
  });

  it("puts the sample in 2026-10 on the default clock (2026-11-21), and nothing is stale", async () => {
    const { dir } = await target();
    const init = await runCli(["init", dir]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("sample data for 2026-10");
    const ledger = await readFile(path.join(dir, "data", "ledger", "checking.csv"), "utf8");
    for (const row of ledger.trim().split("\n").slice(1)) expect(row).toMatch(/^10\/\d{2}\/2026,/);

    const validate = await runCli(["validate", "-w", dir, "--period", "2026-10"]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stderr).not.toContain("stale");
    expect(validate.stdout).toContain("0 warning(s)");
  });
});

describe("init on a terminal", () => {
  it("asks on stderr, explains a bad answer and asks it again, and writes the answers", async () => {
    const { dir } = await target();
    const init = await runCli(["init", dir], {
      answers: [
        "Acme Holdings",
        "Shop One, Shop Two",
        "ceo, coo",
        "ceo, cmo",
        "not-an-email",
        "boss@acme.example",
        "",
      ],
    });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain("Name of your group of businesses [My Business]: ");
    expect(init.stderr).toContain(
      "Businesses, properties or clients to report on (comma-separated) [Main Street Cafe]: ",
    );
    expect(init.stderr).toContain('"coo" is not a report init can set up');
    expect(count(init.stderr, "Reports to send (comma-separated")).toBe(2);
    expect(init.stderr).toContain(
      '"not-an-email" (recipient of the ceo report) is not an email address',
    );
    expect(count(init.stderr, "Who receives the ceo report?")).toBe(2);
    expect(count(init.stderr, "Who receives the cmo report?")).toBe(1);
    // The questions are on stderr: stdout keeps only the result, for a script to read.
    expect(init.stdout).not.toContain("Who receives");

    const tenant = (await readConfig(dir)).tenants[0];
    expect(tenant?.id).toBe("acme-holdings");
    expect(tenant?.name).toBe("Acme Holdings");
    expect(tenant?.entities.map((e) => e.id)).toEqual(["shop-one", "shop-two"]);
    expect(Object.keys(tenant?.roles ?? {})).toEqual(["ceo", "cmo"]);
    expect(tenant?.roles.ceo?.recipients.map((r) => r.email)).toEqual(["boss@acme.example"]);
    // An empty answer takes the default shown in brackets.
    expect(tenant?.roles.cmo?.recipients.map((r) => r.email)).toEqual(["owner@example.com"]);
  });

  it("does not ask what the flags already said", async () => {
    const { dir } = await target();
    const init = await runCli(["init", dir, "--tenant", "Flag Group", "--role", "cfo"], {
      answers: ["Shop", "cfo@flag.example"],
    });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).not.toContain("Name of your group");
    expect(init.stderr).not.toContain("Reports to send");
    expect(init.stderr).toContain("Who receives the cfo report?");
    const tenant = (await readConfig(dir)).tenants[0];
    expect(tenant?.id).toBe("flag-group");
    expect(tenant?.roles.cfo?.recipients.map((r) => r.email)).toEqual(["cfo@flag.example"]);
  });

  it("asks nothing with --no-input, and takes the defaults", async () => {
    const { dir } = await target();
    const init = await runCli(["init", dir, "--no-input"], {
      answers: ["Should Not Be Used", "Nope", "cto", "nobody@example.com"],
    });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toBe("");
    const tenant = (await readConfig(dir)).tenants[0];
    expect(tenant?.id).toBe("my-business");
    expect(Object.keys(tenant?.roles ?? {})).toEqual(["ceo", "cfo"]);
  });

  it("works on a real terminal, answer by answer", async () => {
    const { dir } = await target();
    const session = await terminalSession(`node ${BIN} init ${dir}`, [
      ["Name of your group of businesses", "Harbour Group"],
      ["Businesses, properties or clients", "Dockside Diner, Pier Bakery"],
      ["Reports to send", "ceo, accounting"],
      ["Who receives the ceo report?", "not an email"],
      // The bad address is explained, then the same question comes again.
      ["Who receives the ceo report?", "ann@harbour.example"],
      ["Who receives the accounting report?", "books@harbour.example"],
    ]);
    expect(session.code, session.output).toBe(0);
    expect(session.output).toContain('"not an email" (recipient of the ceo report)');
    expect(session.output).toContain("Created the workspace");
    const tenant = (await readConfig(dir)).tenants[0];
    expect(tenant?.id).toBe("harbour-group");
    expect(tenant?.entities.map((e) => e.id)).toEqual(["dockside-diner", "pier-bakery"]);
    expect(Object.keys(tenant?.roles ?? {})).toEqual(["ceo", "accounting"]);
    expect(tenant?.roles.ceo?.recipients.map((r) => r.email)).toEqual(["ann@harbour.example"]);
    expect(tenant?.roles.accounting?.recipients.map((r) => r.email)).toEqual([
      "books@harbour.example",
    ]);
  });
});

describe("init's files", () => {
  it("writes .env.example and a .gitignore that keeps out .env and the state, but no .env", async () => {
    const { parent, dir } = await target();
    const init = await runCli(["init", dir]);
    expect(init.code, init.stderr).toBe(0);
    expect(await filesUnder(dir)).toEqual(TEMPLATE_FILES);
    expect(existsSync(path.join(dir, ".env"))).toBe(false);
    const ignored = (await readFile(path.join(dir, ".gitignore"), "utf8")).split("\n");
    expect(ignored).toContain(".env");
    expect(ignored).toContain(".exec-intel/");
    expect(await readFile(path.join(dir, ".env.example"), "utf8")).toContain("SMTP_PASSWORD");
    expect(init.stdout).toContain(`${TEMPLATE_FILES.length} files`);
    // The staging folder beside the workspace is gone.
    expect(await readdir(parent)).toEqual(["ws"]);
  });

  it("fills an existing folder, keeping what was there", async () => {
    const { dir } = await target();
    await mkdir(dir);
    await writeFile(path.join(dir, "NOTES.md"), "mine\n");
    const init = await runCli(["init", dir]);
    expect(init.code, init.stderr).toBe(0);
    expect(await filesUnder(dir)).toEqual([...TEMPLATE_FILES, "NOTES.md"].sort());
    expect(await readFile(path.join(dir, "NOTES.md"), "utf8")).toBe("mine\n");
  });
});

describe("init refuses", () => {
  it("an existing workspace: exit 2, and nothing changed", async () => {
    const { parent, dir } = await target();
    expect((await runCli(["init", dir])).code).toBe(0);
    // The owner has since made it theirs.
    const config = path.join(dir, "exec-intel.yaml");
    await writeFile(config, `${await readFile(config, "utf8")}# edited by hand\n`);
    await writeFile(path.join(dir, "data", "ledger", "checking.csv"), "Date,Description,Amount\n");
    const before = await contentsUnder(dir);

    const again = await runCli(["init", dir, "--tenant", "Other", "--role", "cto"]);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe("");
    expect(again.stderr).toContain("error: a workspace already exists here");
    expect(again.stderr).toContain("hint: choose an empty folder");
    expect(await contentsUnder(dir)).toEqual(before);
    expect(await readdir(parent)).toEqual(["ws"]);
  });

  it("a folder with a file it would overwrite: exit 2, that file unchanged, nothing written", async () => {
    const { parent, dir } = await target();
    await mkdir(path.join(dir, "data"), { recursive: true });
    await writeFile(path.join(dir, "data", "bookings.csv"), "my own bookings\n");

    const init = await runCli(["init", dir]);
    expect(init.code).toBe(2);
    expect(init.stdout).toBe("");
    expect(init.stderr).toContain(
      `${path.join(dir, "data", "bookings.csv")}: error: file already exists and would be overwritten`,
    );
    expect(init.stderr).toContain("hint: choose an empty folder");
    expect(await contentsUnder(dir)).toEqual({ "data/bookings.csv": "my own bookings\n" });
    expect(await readdir(parent)).toEqual(["ws"]);
  });

  const BAD_FLAGS: [string, string[], string][] = [
    [
      "a recipient for a report not chosen",
      ["--role", "ceo", "--recipient", "cfo=x@y.z"],
      'recipient given for "cfo"',
    ],
    [
      "a recipient without its report",
      ["--recipient", "nobody"],
      '"nobody" does not say which report',
    ],
    ["an unknown report", ["--role", "ceo,coo"], '"coo" is not a report init can set up'],
    ["an empty entity", ["--entity", ""], "no entity given"],
  ];

  it.each(BAD_FLAGS)("%s: exit 2, the problem named, no folder", async (_, flags, message) => {
    const { dir } = await target();
    const init = await runCli(["init", dir, ...flags]);
    expect(init.code).toBe(2);
    expect(init.stdout).toBe("");
    expect(init.stderr).toContain(message);
    expect(init.stderr).toMatch(/^ {4}hint: /m);
    expect(existsSync(dir)).toBe(false);
  });

  it("bad flags together: every problem listed at once, no folder", async () => {
    const { dir } = await target();
    const init = await runCli([
      "init",
      dir,
      "--recipient",
      "cfo=x@y.z",
      "--recipient",
      "nobody",
      "--role",
      "ceo,coo",
      "--entity",
      "",
    ]);
    expect(init.code).toBe(2);
    expect(init.stdout).toBe("");
    for (const [, , message] of BAD_FLAGS) expect(init.stderr).toContain(message);
    expect(init.stderr).toContain("4 error(s)");
    expect(existsSync(dir)).toBe(false);
  });

  it("an address its own check lets through but the config refuses: exit 2, no folder", async () => {
    const { dir } = await target();
    // Two dots in a row: a plausible typo the prompt's loose check accepts and the schema does not.
    const init = await runCli(["init", dir, "--recipient", "ceo=jane..doe@example.com"]);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain("tenants.0.roles.ceo.recipients.0.email");
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(path.dirname(dir)).filter((f) => f.includes(".init-"))).toEqual([]);
  });
});

/** How many times `needle` occurs in `text`. */
function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Runs `command` on a pseudo-terminal (util-linux `script`), typing each answer once its
 * question has appeared after the previous one, as a person would.
 */
async function terminalSession(
  command: string,
  steps: [question: string, answer: string][],
): Promise<{ code: number | null; output: string }> {
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const appeared = (text: string, from: number) =>
    new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const at = output.indexOf(text, from);
        if (at >= 0) {
          clearInterval(poll);
          resolve(at + text.length);
        } else if (child.exitCode !== null || Date.now() - started > 15_000) {
          clearInterval(poll);
          reject(new Error(`"${text}" never appeared; the terminal showed:\n${output}`));
        }
      }, 20);
    });
  let seen = 0;
  try {
    for (const [question, answer] of steps) {
      seen = await appeared(question, seen);
      child.stdin.write(`${answer}\n`);
    }
  } catch (error) {
    child.kill();
    throw error;
  }
  const code = await closed;
  child.stdin.end();
  return { code, output };
}
