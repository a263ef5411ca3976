import { execFile, spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { promisify } from "node:util";

// Thin wrappers over the `git` command line: no shell, explicit options for everything whose
// default a user's config could change, and streams for the outputs that grow with history.

const run = promisify(execFile);

// Options whose defaults a user's config may flip: the root commit must list its files, and
// signatures, colours and quoting must not mix into parsed output.
const CONFIG = [
  "-c",
  "log.showRoot=true",
  "-c",
  "log.showSignature=false",
  "-c",
  "core.quotePath=false",
  "-c",
  "color.ui=false",
];
// GIT_DIR, GIT_WORK_TREE and friends set by a calling hook would point every command elsewhere.
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("GIT_"))),
  GIT_TERMINAL_PROMPT: "0",
  GIT_OPTIONAL_LOCKS: "0",
  LC_ALL: "C",
};
const MAX_BUFFER = 1 << 30;
/** The SHA-1 of nothing: git's placeholder for "no blob" in raw diffs. */
const NULL_OID = /^0+$/;

/** A git command that failed; `stderr` is git's own message. */
export class GitCommandError extends Error {
  override readonly name = "GitCommandError";
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`git ${args.join(" ")} failed: ${stderr.trim() || `exit code ${exitCode}`}`, options);
  }
}

/** Runs git in `repo` and returns its standard output. */
export async function git(repo: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run("git", [...CONFIG, ...args], {
      cwd: repo,
      env: ENV,
      maxBuffer: MAX_BUFFER,
      encoding: "utf8",
    });
    return stdout;
  } catch (error) {
    const failure = error as { code?: unknown; stderr?: string };
    // A string code is a failure to start git at all (ENOENT: not installed), not git's own exit.
    if (typeof failure.code === "string") throw error;
    const exitCode = typeof failure.code === "number" ? failure.code : null;
    throw new GitCommandError(args, exitCode, failure.stderr ?? "", { cause: error });
  }
}

/** Like `git`, but undefined instead of an error when the command fails (e.g. a missing ref). */
async function gitMaybe(repo: string, args: readonly string[]): Promise<string | undefined> {
  try {
    return await git(repo, args);
  } catch (error) {
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
}

/** Streams git's standard output, writing `input` to its standard input. */
async function* gitStream(
  repo: string,
  args: readonly string[],
  input?: string,
): AsyncGenerator<Buffer> {
  const child = spawn("git", [...CONFIG, ...args], {
    cwd: repo,
    env: ENV,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  // A reader that stops early closes stdin under git; that EPIPE is not a failure.
  child.stdin.on("error", () => {});
  child.stdin.end(input ?? "");
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exited;
    if (code !== 0) throw new GitCommandError(args, code, stderr);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** The commit HEAD points at, or undefined in a repository without commits. */
export async function headCommit(repo: string): Promise<string | undefined> {
  return (await gitMaybe(repo, ["rev-parse", "-q", "--verify", "HEAD^{commit}"]))?.trim();
}

/**
 * The default branch: the branch `origin/HEAD` names when there is a remote, else the branch
 * checked out; undefined on a detached HEAD.
 */
export async function defaultBranch(repo: string): Promise<string | undefined> {
  const remote = await gitMaybe(repo, [
    "symbolic-ref",
    "-q",
    "--short",
    "refs/remotes/origin/HEAD",
  ]);
  if (remote !== undefined && remote.trim() !== "") return remote.trim().replace(/^origin\//, "");
  const local = (await gitMaybe(repo, ["symbolic-ref", "-q", "--short", "HEAD"]))?.trim();
  return local === "" ? undefined : local;
}

/** Number of commits reachable from `rev`. */
export async function commitCount(repo: string, rev = "HEAD"): Promise<number> {
  return Number((await git(repo, ["rev-list", "--count", rev, "--"])).trim());
}

/** A commit's id and committer date (YYYY-MM-DD, in the committer's own time zone). */
export async function commitInfo(
  repo: string,
  rev: string,
): Promise<{ commit: string; date: string }> {
  const [commit = "", iso = ""] = (await git(repo, ["log", "-1", "--format=%H%x00%cI", rev, "--"]))
    .trim()
    .split("\0");
  return { commit, date: iso.slice(0, 10) };
}

/** One entry of a tree: a file (blob), a symlink (blob) or a submodule (commit). */
export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  oid: string;
  path: string;
}

/** Every entry of HEAD's tree, recursively (submodules appear as `commit` entries). */
export async function listHeadTree(repo: string): Promise<TreeEntry[]> {
  const out = await git(repo, ["ls-tree", "-r", "-z", "--full-tree", "HEAD"]);
  return out
    .split("\0")
    .filter((line) => line !== "")
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode = "", type = "", oid = ""] = line.slice(0, tab).split(" ");
      return { mode, type: type as TreeEntry["type"], oid, path: line.slice(tab + 1) };
    });
}

/** The object ids every ref (and a detached HEAD) points at. */
export async function refTips(repo: string): Promise<string[]> {
  const refs = await git(repo, ["for-each-ref", "--format=%(objectname)"]);
  const head = await headCommit(repo);
  const tips = new Set(refs.split("\n").filter((line) => line !== ""));
  if (head !== undefined) tips.add(head);
  return [...tips].sort();
}

/**
 * How many commits `tips` reach that no current ref reaches (0: nothing was rewritten or
 * dropped since), or undefined when one of them no longer exists.
 */
export async function commitsDroppedSince(
  repo: string,
  tips: readonly string[],
): Promise<number | undefined> {
  if (tips.length === 0) return 0;
  const out = await gitMaybe(repo, ["rev-list", "--count", ...tips, "--not", "--all"]);
  return out === undefined ? undefined : Number(out.trim());
}

/** The commit that last wrote line `line` of `path` in HEAD, with its date. */
export async function blameLine(
  repo: string,
  path: string,
  line: number,
): Promise<{ commit: string; date: string } | undefined> {
  const out = await gitMaybe(repo, [
    "blame",
    "--porcelain",
    "-L",
    `${line},${line}`,
    "HEAD",
    "--",
    path,
  ]);
  const commit = out?.split(" ", 1)[0];
  return commit === undefined || commit === "" ? undefined : commitInfo(repo, commit);
}

/** The oldest commit reachable from HEAD that added `path`, with its date. */
export async function firstAddition(
  repo: string,
  path: string,
): Promise<{ commit: string; date: string } | undefined> {
  const out = await git(repo, ["log", "--diff-filter=A", "--format=%H%x00%cI", "HEAD", "--", path]);
  const last = out.trim().split("\n").at(-1);
  if (last === undefined || last === "") return undefined;
  const [commit = "", iso = ""] = last.split("\0");
  return { commit, date: iso.slice(0, 10) };
}

/** A blob a commit wrote at a path (additions and modifications; deletions are not listed). */
export interface WrittenBlob {
  mode: string;
  oid: string;
  path: string;
}

/** One commit of the history walk and the blobs it wrote. */
export interface WalkedCommit {
  commit: string;
  /** Committer date, YYYY-MM-DD. */
  date: string;
  blobs: WrittenBlob[];
}

/**
 * Every commit reachable from any ref (and HEAD) but from none of `exclude`, parents before
 * children, with the blobs each wrote relative to its first parent. Merges are diffed against
 * their first parent only: whatever a merge's tree holds that its first parent lacks shows there,
 * and the rest was written by the commits already walked. Renames are not detected, so a moved
 * file counts as written at its new path.
 */
export async function* walkHistory(
  repo: string,
  exclude: readonly string[] = [],
): AsyncGenerator<WalkedCommit> {
  const args = [
    "log",
    "--all",
    ...(exclude.length > 0 ? ["--not", ...exclude] : []),
    "--date-order",
    "--reverse",
    "--no-renames",
    "--diff-merges=first-parent",

    "--raw",
    "--no-abbrev",
    "-z",
    "--format=%x01%H %cI",
  ];
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let current: WalkedCommit | undefined;
  let meta: string | undefined;
  const take = function* (token: string): Generator<WalkedCommit> {
    const text = token.replace(/^\n+/, "");
    if (meta !== undefined) {
      // `:old-mode new-mode old-oid new-oid status`, then the path as its own token.
      const [, mode = "", , oid = "", status = ""] = meta.split(" ");
      meta = undefined;
      if (current !== undefined && status !== "D" && !NULL_OID.test(oid))
        current.blobs.push({ mode, oid, path: token });
    } else if (text.startsWith("\x01")) {
      if (current !== undefined) yield current;
      const [commit = "", iso = ""] = text.slice(1).split(" ");
      current = { commit, date: iso.slice(0, 10), blobs: [] };
    } else if (text.startsWith(":")) {
      meta = text.slice(1);
    }
  };
  for await (const chunk of gitStream(repo, args)) {
    pending += decoder.write(chunk);
    const tokens = pending.split("\0");
    pending = tokens.pop() ?? "";
    for (const token of tokens) yield* take(token);
  }
  pending += decoder.end();
  if (pending !== "") yield* take(pending);
  if (current !== undefined) yield current;
}

/** What `cat-file --batch-check` says of one object. */
export interface ObjectInfo {
  oid: string;
  /** Undefined when the object is missing. */
  type?: string;
  size: number;
}

/** Type and size of each object, without reading its content. */
export async function objectInfo(repo: string, oids: readonly string[]): Promise<ObjectInfo[]> {
  if (oids.length === 0) return [];
  const chunks: Buffer[] = [];
  for await (const chunk of gitStream(repo, ["cat-file", "--batch-check"], `${oids.join("\n")}\n`))
    chunks.push(chunk);
  return Buffer.concat(chunks)
    .toString("utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [oid = "", type = "", size = "0"] = line.split(" ");
      return type === "missing" ? { oid, size: 0 } : { oid, type, size: Number(size) };
    });
}

/** One blob's content as `cat-file --batch` returns it. */
export interface BlobContent {
  oid: string;
  content: Buffer;
}

/** Streams the content of each blob, in the order given (missing objects are left out). */
export async function* readBlobs(
  repo: string,
  oids: readonly string[],
): AsyncGenerator<BlobContent> {
  if (oids.length === 0) return;
  let buffer: Buffer = Buffer.alloc(0);
  for await (const chunk of gitStream(repo, ["cat-file", "--batch"], `${oids.join("\n")}\n`)) {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const newline = buffer.indexOf(10);
      if (newline === -1) break;
      const [oid = "", type = "", size = ""] = buffer
        .subarray(0, newline)
        .toString("utf8")
        .split(" ");
      if (type === "missing") {
        buffer = buffer.subarray(newline + 1);
        continue;
      }
      const length = Number(size);
      // The content is followed by a newline of its own.
      if (buffer.length < newline + 1 + length + 1) break;
      yield { oid, content: buffer.subarray(newline + 1, newline + 1 + length) };
      buffer = buffer.subarray(newline + 1 + length + 1);
    }
  }
}
