import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// The README's "Command line" block is what people read instead of --help: every command the CLI
// has, and every option of each, must be there (and nothing the CLI does not have).

const README = readFileSync(
  path.join(fileURLToPath(new URL("../../", import.meta.url)), "README.md"),
  "utf8",
);

/** The README's command block, split per command: "run" → its lines. */
function readmeCommands(): Map<string, string> {
  const section = README.slice(README.indexOf("## Command line"));
  const block = section.match(/```\n([\s\S]*?)```/)?.[1] ?? "";
  const commands = new Map<string, string>();
  let current: string | undefined;
  for (const line of block.split("\n")) {
    const start = line.match(/^exec-intel ([a-z-]+(?: [a-z]+)?)/);
    if (start?.[1] !== undefined) {
      // `export ledger` and `export totals` are subcommands; others take arguments.
      current = start[1].startsWith("export ") ? start[1] : (start[1].split(" ")[0] ?? "");
      commands.set(current, `${commands.get(current) ?? ""}${line}\n`);
    } else if (current !== undefined) commands.set(current, `${commands.get(current)}${line}\n`);
  }
  return commands;
}

/** Long options in a help text or README lines, without the ones every command has. */
function optionsIn(text: string): string[] {
  const common = new Set(["--help", "--version", "--quiet", "--no-color", "--debug"]);
  // The README writes the workspace option short, as people type it.
  const long = text.replace(/(^|[\s[])-w\b/g, "$1--workspace");
  return [...new Set(long.match(/--[a-z][a-z-]*/g) ?? [])].filter((o) => !common.has(o)).sort();
}

async function helpOf(command: string[]): Promise<string> {
  const help = await runCli([...command, "--help"]);
  expect(help.code).toBe(0);
  return help.stdout;
}

describe("the README's command line", () => {
  it("lists every command the CLI has, and no other", async () => {
    const help = await helpOf([]);
    const commands = [...help.slice(help.indexOf("Commands:")).matchAll(/^ {2}([a-z-]+)/gm)]
      .map((m) => m[1] ?? "")
      .filter((c) => c !== "help");
    const documented = [...readmeCommands().keys()].map((c) => c.split(" ")[0]);
    expect([...new Set(documented)].sort()).toEqual(commands.sort());
  });

  it("shows every option of every command", async () => {
    const missing: string[] = [];
    for (const [command, lines] of readmeCommands()) {
      const help = await helpOf(command.split(" "));
      const inHelp = optionsIn(help.replace(/^ {2}-h, --help.*$/m, ""));
      const inReadme = optionsIn(lines);
      for (const option of inHelp)
        if (!inReadme.includes(option)) missing.push(`${command}: ${option}`);
      for (const option of inReadme)
        if (!inHelp.includes(option)) missing.push(`${command}: ${option} (not in --help)`);
    }
    expect(missing).toEqual([]);
  });

  it("reads the block (the checks above are not empty)", () => {
    const commands = readmeCommands();
    expect(commands.size).toBeGreaterThan(12);
    expect(optionsIn(commands.get("run") ?? "")).toContain("--dry-run");
  });
});
