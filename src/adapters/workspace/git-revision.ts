import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The workspace's git commit and whether its files differ from it; nulls outside a repository. */
export async function readGitRevision(
  workspace: string,
  stateDir: string,
): Promise<{ gitCommit: string | null; dirty: boolean | null }> {
  try {
    const { stdout: head } = await run("git", ["-C", workspace, "rev-parse", "--verify", "HEAD"]);
    // Only the workspace's own files count; the state folder changes on every run by design.
    const { stdout: status } = await run("git", [
      "-C",
      workspace,
      "status",
      "--porcelain",
      "--",
      ".",
      `:(exclude)${stateDir}`,
    ]);
    return { gitCommit: head.trim(), dirty: status.trim() !== "" };
  } catch {
    // Not a repository, no commit yet, or no git installed: the manifest says "unknown".
    return { gitCommit: null, dirty: null };
  }
}
