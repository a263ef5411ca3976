import { execFile } from "node:child_process";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { makeTempDir, runCli } from "./helpers/cli.js";
import { filesUnder } from "./helpers/files.js";

// The shipped CLI is an esbuild bundle; mailparser, loaded by `inbox`, once came out of it as a
// bare `default` export and every reply crashed. This runs `inbox` through bin/exec-intel.js
// (the bundle), with the reply secret only in the workspace's .env, as docs/security.md says.

const CLI = fileURLToPath(new URL("../bin/exec-intel.js", import.meta.url));
const run = promisify(execFile);

describe("inbox through the bundled CLI", () => {
  it("attaches a reply whose secret lives in .env", async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const workspace = path.join(dir, "ws");
      expect((await runCli(["init", workspace])).code).toBe(0);
      const config = path.join(workspace, "exec-intel.yaml");
      const yaml = (await readFile(config, "utf8")).replace(
        "transport: { driver: outbox }",
        "transport:\n  driver: outbox\n  from: { name: Reports, email: reports@example.com }\n  replyTo: { name: Owner, email: owner@example.com }",
      );
      await writeFile(config, `${yaml}feedback: { secretEnv: REPLY_TOKEN_SECRET }\n`);
      await appendFile(path.join(workspace, ".env"), "REPLY_TOKEN_SECRET=a-long-random-secret\n");
      await run(process.execPath, [CLI, "run", "-w", workspace], {
        env: { PATH: process.env.PATH },
      });
      const outbox = path.join(workspace, ".exec-intel", "outbox");
      const sent = (await filesUnder(outbox)).find((f) => f.includes("/ceo/"));
      expect(sent).toBeDefined();
      const message = await readFile(path.join(outbox, sent ?? ""), "utf8");
      const token = message.match(/<(owner\+r\.[^>]+@example\.com)>/)?.[1];
      expect(token).toBeDefined();
      const reply = path.join(dir, "reply.eml");
      await writeFile(
        reply,
        `From: owner@example.com\r\nTo: ${token}\r\nSubject: Re: CEO report\r\nMessage-ID: <reply-1@example.com>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\nThe pipeline finding is right; I will call Acme.\r\n`,
      );
      const inbox = await run(process.execPath, [CLI, "inbox", reply, "-w", workspace], {
        env: { PATH: process.env.PATH },
      });
      expect(inbox.stdout).toMatch(
        /^attached {2}.*reply\.eml → my-business\/\d{4}-\d{2}\/ceo \(note 1\)$/m,
      );
    } finally {
      await cleanup();
    }
  }, 120_000);
});
