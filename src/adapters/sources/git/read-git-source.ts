import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { SourceConfig } from "../../../core/config.js";
import { type Problem, problem, warning } from "../../../core/errors.js";
import type { RepoEnvFile, RepoSecret, Repository } from "../../../core/model/index.js";
import {
  detectDeliverySignals,
  isDeliveryContentFile,
} from "../../../core/tech/delivery-signals.js";
import { endpointSources, findOpenEndpoints } from "../../../core/tech/endpoints.js";
import { isEnvFile } from "../../../core/tech/env-files.js";
import { collectEnvFiles, collectRepoSecrets } from "../../../core/tech/repo-secrets.js";
import type { GitScanCache } from "../../../core/tech/scan-cache.js";
import { detectStack, isStackManifest } from "../../../core/tech/stack-detection.js";
import type { DriverContext } from "../collect.js";
import { toPosix } from "../workspace-files.js";
import {
  blameLine,
  commitCount,
  commitInfo,
  defaultBranch,
  firstAddition,
  GitCommandError,
  headCommit,
  listHeadTree,
} from "./git-cli.js";
import {
  type BlobScanner,
  createBlobScanner,
  type RepoScan,
  readTextBlobs,
  type ScanStats,
  scanHistory,
} from "./history-scan.js";

// The git source: each configured repository's current tree gives its stack, delivery signals
// and open endpoints; its whole history (or, with `history: false`, its current tree) is scanned
// for credentials with the validation gate's rules.

type GitSource = Extract<SourceConfig, { type: "git" }>;

/** Blobs larger than this are not scanned (generated data, media, archives). */
export const DEFAULT_MAX_BLOB_BYTES = 1024 * 1024;

/** Options of one read of a git source. */
export interface GitSourceOptions {
  /** Remembers scanned history between runs; without it every scan reads the whole history. */
  cache?: GitScanCache;
  /** Period end (YYYY-MM-DD) that end-of-life flags are judged at; default: today. */
  periodEnd?: string;
  maxBlobBytes?: number;
  /** Receives debug lines: skipped binary, oversized and submodule entries. */
  debug?: (line: string) => void;
}

/** What the scan of one repository did. */
export interface GitScanStats extends ScanStats {
  repository: string;
}

/** The repositories of a git source, every problem met, and scan statistics. */
export interface GitSourceResult {
  repositories: Repository[];
  problems: Problem[];
  stats: GitScanStats[];
}

interface RepoFolder {
  name: string;
  /** Absolute folder. */
  dir: string;
  /** Workspace-relative folder. */
  file: string;
}

/** Reads every repository of a git source into the model's `Repository` records. */
export async function readGitSource(
  source: GitSource,
  context: DriverContext,
  options: GitSourceOptions = {},
): Promise<GitSourceResult> {
  const found = await findRepositories(context.workspace, source.path);
  const result: GitSourceResult = { repositories: [], problems: [...found.problems], stats: [] };
  const names = new Set(found.repositories.map((r) => r.name));
  for (const name of Object.keys(source.repos)) {
    if (!names.has(name))
      result.problems.push(
        warning(
          toPosix(source.path),
          undefined,
          `repos names "${name}", but no repository folder of that name was found`,
          `use one of: ${[...names].join(", ") || "(none)"}`,
        ),
      );
  }
  const scanner = createBlobScanner(options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES, options.debug);
  // Repositories are read concurrently (each is a handful of git processes, mostly waiting on
  // I/O), and their outcomes taken in folder order, so results do not depend on timing.
  const reads = found.repositories.map((folder) => {
    const reference = source.repos[folder.name] ?? source.entity;
    const entity = context.entities.resolve(reference);
    if (entity === undefined) return { folder, reference, entity };
    const scanned = readRepository(folder, { source, entity, scanner, options }).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    return { folder, reference, entity, scanned };
  });
  for (const { folder, reference, entity, scanned } of reads) {
    if (entity === undefined || scanned === undefined) {
      result.problems.push(
        problem(
          folder.file,
          undefined,
          `entity "${reference}" of repository "${folder.name}" is not defined`,
          `use one of: ${context.entities.known()}`,
        ),
      );
      continue;
    }
    const outcome = await scanned;
    if ("error" in outcome) {
      const failure = gitFailure(outcome.error, folder.file);
      if (failure === undefined) throw outcome.error;
      result.problems.push(failure);
      // Without git every repository fails alike: one problem says it.
      if ((outcome.error as NodeJS.ErrnoException).code === "ENOENT") break;
      continue;
    }
    if ("problem" in outcome.value) result.problems.push(outcome.value.problem);
    else {
      result.repositories.push(outcome.value.repository);
      result.stats.push(outcome.value.stats);
    }
  }
  return result;
}

const PATH_HINT =
  "point the git source's path (relative to the workspace) at a repository folder (one with a .git folder) or at a folder whose subfolders are repositories; `git init` makes one";

/** The repository at `relative`, or the repositories directly inside it. */
async function findRepositories(
  workspace: string,
  relative: string,
): Promise<{ repositories: RepoFolder[]; problems: Problem[] }> {
  const file = toPosix(relative);
  const dir = path.resolve(workspace, relative);
  const none = (message: string) => ({
    repositories: [],
    problems: [problem(file, undefined, message, PATH_HINT)],
  });
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) return none("repository folder does not exist");
  if (!info.isDirectory()) return none("expected a folder but found a file");
  if (await isRepository(dir))
    return { repositories: [{ name: path.basename(dir), dir, file }], problems: [] };
  const entries = await readdir(dir, { withFileTypes: true });
  const repositories: RepoFolder[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory() && (await isRepository(child)))
      repositories.push({
        name: entry.name,
        dir: child,
        file: toPosix(path.join(relative, entry.name)),
      });
  }
  if (repositories.length > 0) return { repositories, problems: [] };
  return none("not a git repository, and none of its subfolders is one");
}

/**
 * True for a work tree (`.git` folder, or a `.git` file as worktrees and submodules have) or a
 * bare repository. The folder's own `.git` is required: a folder inside another repository is
 * not a repository of its own.
 */
async function isRepository(dir: string): Promise<boolean> {
  if ((await stat(path.join(dir, ".git")).catch(() => undefined)) !== undefined) return true;
  const [head, objects, refs] = await Promise.all(
    ["HEAD", "objects", "refs"].map((name) => stat(path.join(dir, name)).catch(() => undefined)),
  );
  return head?.isFile() === true && objects?.isDirectory() === true && refs?.isDirectory() === true;
}

interface RepoJob {
  source: GitSource;
  entity: string;
  scanner: BlobScanner;
  options: GitSourceOptions;
}

async function readRepository(
  folder: RepoFolder,
  job: RepoJob,
): Promise<{ repository: Repository; stats: GitScanStats } | { problem: Problem }> {
  const { dir, file, name } = folder;
  const head = await headCommit(dir);
  if (head === undefined)
    return {
      problem: warning(
        file,
        undefined,
        "repository has no commits",
        "commit its files, or remove it from the source's folder",
      ),
    };
  const tree = await listHeadTree(dir);
  const blobs = tree.filter((entry) => entry.type === "blob");
  const submodules = tree.filter((entry) => entry.type === "commit");
  for (const entry of submodules)
    job.options.debug?.(`${file}: submodule ${entry.path} not scanned`);
  const files = blobs.map((entry) => entry.path);
  const headBlobs = new Map(blobs.map((entry) => [entry.path, entry.oid]));
  const texts = await readTexts(dir, files, headBlobs, job.scanner.maxBytes);
  const [branch, commits, last] = await Promise.all([
    defaultBranch(dir),
    commitCount(dir),
    commitInfo(dir, head),
  ]);
  const periodEnd = job.options.periodEnd ?? new Date().toISOString().slice(0, 10);
  const scan = job.source.history
    ? await scanHistory(dir, headBlobs, job.scanner, job.options.cache)
    : await scanHead(dir, headBlobs, job.scanner, last, submodules.length);
  const repository: Repository = {
    id: name,
    entity: job.entity,
    name,
    path: file,
    ...(branch !== undefined ? { defaultBranch: branch } : {}),
    headCommit: head,
    lastCommitDate: last.date,
    commits,
    stack: detectStack(files, texts, periodEnd),
    delivery: detectDeliverySignals(files, texts),
    secrets: scan.secrets,
    envFiles: scan.envFiles,
    endpoints: endpointSources(files).flatMap((p) => {
      const text = texts.get(p);
      return text === undefined ? [] : findOpenEndpoints(p, text);
    }),
    provenance: { sourceId: job.source.id, file, asOf: last.date },
  };
  return { repository, stats: { repository: name, ...scan.stats } };
}

/** The text of the current tree's files that stack, delivery and endpoint detection read. */
async function readTexts(
  dir: string,
  files: readonly string[],
  headBlobs: ReadonlyMap<string, string>,
  maxBytes: number,
): Promise<Map<string, string>> {
  const wanted = new Set([
    ...files.filter((p) => isStackManifest(p) || isDeliveryContentFile(p)),
    ...endpointSources(files),
  ]);
  const paths = new Map<string, string[]>();
  for (const p of wanted) {
    const oid = headBlobs.get(p) as string;
    paths.set(oid, [...(paths.get(oid) ?? []), p]);
  }
  const texts = new Map<string, string>();
  for await (const blob of readTextBlobs(dir, [...paths.keys()], maxBytes)) {
    for (const p of paths.get(blob.oid) ?? []) texts.set(p, blob.text);
  }
  return texts;
}

/**
 * The credential scan of the current tree only (`history: false`): each finding is attributed
 * to the commit that last wrote its line, each env file to the commit that added it.
 */
async function scanHead(
  dir: string,
  headBlobs: ReadonlyMap<string, string>,
  scanner: BlobScanner,
  last: { commit: string; date: string },
  submodules: number,
): Promise<RepoScan> {
  const scanned = await scanner.scan(dir, new Map([...headBlobs].map(([p, oid]) => [oid, p])));
  const occurrences = [...headBlobs]
    .filter(([p, oid]) => scanned.hits[oid] !== undefined || isEnvFile(p))
    .map(([p, oid]) => ({ commit: last.commit, commitDate: last.date, path: p, blob: oid }));
  // One git process at a time: a tree full of findings must not start hundreds at once.
  const secrets: RepoSecret[] = [];
  for (const secret of collectRepoSecrets(occurrences, scanned.hits, headBlobs)) {
    const origin =
      secret.line === undefined ? undefined : await blameLine(dir, secret.path, secret.line);
    secrets.push(
      origin === undefined ? secret : { ...secret, commit: origin.commit, commitDate: origin.date },
    );
  }
  const envFiles: RepoEnvFile[] = [];
  for (const envFile of collectEnvFiles(occurrences, headBlobs)) {
    const origin = await firstAddition(dir, envFile.path);
    envFiles.push(
      origin === undefined
        ? envFile
        : { ...envFile, commit: origin.commit, commitDate: origin.date },
    );
  }
  return {
    secrets,
    envFiles,
    stats: {
      mode: "head",
      commitsWalked: 0,
      blobsRead: scanned.read,
      blobsReused: 0,
      skipped: { ...scanned.skipped, submodules },
    },
  };
}

/** A git failure as a problem on the repository's folder, or undefined for other errors. */
function gitFailure(error: unknown, file: string): Problem | undefined {
  if ((error as NodeJS.ErrnoException).code === "ENOENT" && !(error instanceof GitCommandError))
    return problem(
      file,
      undefined,
      "cannot run git: the git command is not installed or not on PATH",
      "install git (e.g. `sudo apt-get install git`) and run again",
    );
  if (!(error instanceof GitCommandError)) return undefined;
  const message = error.stderr.trim().split("\n")[0] ?? "";
  if (/dubious ownership/.test(error.stderr))
    return problem(
      file,
      undefined,
      "git refuses to read this repository: it belongs to another user",
      `mark it safe with \`git config --global --add safe.directory ${file}\` (absolute path), or run as its owner`,
    );
  return problem(
    file,
    undefined,
    `git could not read this repository: ${message || `exit code ${error.exitCode}`}`,
    "check that the folder is an intact git repository (`git fsck`)",
  );
}
