import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { makeTempDir } from "./helpers/cli.js";
import { filesUnder } from "./helpers/files.js";

// The README's "Use it for your own businesses" block, run line by line as a new user would type
// it (with `exec-intel` the built CLI of this clone), in an empty folder, off a terminal so init
// takes its defaults: from init to a report delivered into the outbox, then the dashboard, signed
// into with the link the outbox received. A README edit that breaks the path fails here.

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = path.join(ROOT, "bin", "exec-intel.js");

/** The commands of the README block marked `<!-- first-hour`, without their comments. */
function readmeCommands(): string[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const block = readme.match(/<!-- first-hour[^>]*-->\s*```sh\n([\s\S]*?)```/);
  if (block?.[1] === undefined) throw new Error("README has no first-hour block");
  return block[1]
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** Runs one README line (`exec-intel ARGS`) in `cwd` to its end. */
function runLine(
  line: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, ...args] = line.split(/\s+/);
  expect(command).toBe("exec-intel");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cleanEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment of someone who just cloned: none of the test run's variables leak in. */
function cleanEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8" };
}

let server: ChildProcess | undefined;
afterEach(() => {
  server?.kill("SIGTERM");
  server = undefined;
});

describe("the README's first hour", () => {
  it("goes from init to reports in the outbox and a signed-in dashboard", async () => {
    const commands = readmeCommands();
    expect(commands.map((c) => c.split(/\s+/)[1])).toEqual([
      "init",
      "validate",
      "preview",
      "run",
      "serve",
    ]);
    const { dir, cleanup } = await makeTempDir();
    try {
      for (const line of commands.slice(0, -1)) {
        const result = await runLine(line, dir);
        expect({ line, code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
        // No stack trace anywhere on the way, and nothing that reads like a failure.
        expect(result.stderr).not.toMatch(/^\s+at |internal error|error:/m);
      }
      const workspace = path.join(dir, "my-reports");
      const previews = await filesUnder(path.join(workspace, ".exec-intel", "preview"));
      expect(previews.filter((f) => f.endsWith("-report.html")).length).toBe(2);
      // init's defaults: the CEO and CFO reports, both to owner@example.com.
      const outbox = path.join(workspace, ".exec-intel", "outbox");
      const messages = (await filesUnder(outbox)).filter((f) => f.endsWith(".eml"));
      expect(messages).toHaveLength(2);
      for (const message of messages)
        expect(readFileSync(path.join(outbox, message), "utf8")).toMatch(
          /^To: .*owner@example\.com/m,
        );

      // `serve` as the README has it, on a free port (the README's 8787 may be taken here).
      const serveLine = commands.at(-1) ?? "";
      const [, ...args] = serveLine.split(/\s+/);
      server = spawn(process.execPath, [CLI, ...args, "--port", "0"], {
        cwd: dir,
        env: cleanEnv(),
      });
      const said = listen(server);
      const origin = await said.next(/dashboard on (http:\/\/\S+)/);
      const form = new URLSearchParams({ email: "owner@example.com" });
      const asked = await fetch(`${origin}/sign-in`, {
        method: "POST",
        body: form,
        headers: { origin },
      });
      expect(asked.status).toBe(200);
      // The outbox transport: the link is printed where serve runs, as the README says.
      const link = await said.next(/^\s+(http:\/\/\S+\/auth\?token=\S+)$/m);
      const opened = await fetch(link);
      expect(await opened.text()).toContain("Sign in");
      const token = new URL(link).searchParams.get("token") ?? "";
      const signedIn = await fetch(`${origin}/auth`, {
        method: "POST",
        body: new URLSearchParams({ token }),
        headers: { origin },
        redirect: "manual",
      });
      expect(signedIn.status).toBe(303);
      const cookie = signedIn.headers.get("set-cookie")?.split(";")[0] ?? "";
      expect(cookie).not.toBe("");
      const overview = await fetch(`${origin}/`, { headers: { cookie }, redirect: "follow" });
      expect(overview.status).toBe(200);
      const html = await overview.text();
      expect(html).toContain("My Business");
      expect(html).toContain("owner@example.com");
      expect(html).toMatch(/>ceo</);
      // Every follow-up task the run made is on the owner's board, whichever role it names
      // (the starter tenant has no CMO, yet a pipeline finding is the CMO's).
      const listed = await runLine("exec-intel tasks -w my-reports --json", dir);
      const tasks = JSON.parse(listed.stdout) as { id: string; owner: string }[];
      expect(tasks.length).toBeGreaterThan(0);
      const board = await (
        await fetch(`${origin}/t/my-business/tasks`, { headers: { cookie } })
      ).text();
      for (const task of tasks) expect(board).toContain(task.id);
      // And the same link does not work twice.
      const again = await fetch(`${origin}/auth`, {
        method: "POST",
        body: new URLSearchParams({ token }),
        headers: { origin },
        redirect: "manual",
      });
      expect(again.status).toBe(400);
    } finally {
      await cleanup();
    }
  }, 180_000);
});

/** Waits for lines a child prints on stderr, in order. */
function listen(child: ChildProcess): { next: (pattern: RegExp) => Promise<string> } {
  let output = "";
  const waiting: (() => void)[] = [];
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    output += chunk;
    for (const wake of waiting.splice(0)) wake();
  });
  return {
    next: (pattern) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`serve did not print ${pattern}; it printed:\n${output}`)),
          60_000,
        );
        const check = () => {
          const match = pattern.exec(output);
          if (match?.[1] === undefined) {
            waiting.push(check);
            return;
          }
          clearTimeout(timer);
          output = output.slice((match.index ?? 0) + match[0].length);
          resolve(match[1]);
        };
        check();
      }),
  };
}
