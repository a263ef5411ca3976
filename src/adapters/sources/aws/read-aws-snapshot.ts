import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import {
  CUR_REQUIRED,
  type CurLine,
  convertCurRow,
  curHeaderProblem,
} from "../../../core/cloud/cur-costs.js";
import { type JsonDocument, parseJsonDocument } from "../../../core/cloud/json-document.js";
import { type AccountSnapshot, buildCloudAccount } from "../../../core/cloud/snapshot-account.js";
import {
  SNAPSHOT,
  SNAPSHOT_DOC,
  SNAPSHOT_FILE_NAMES,
  SNAPSHOT_FOLDER_NAMES,
} from "../../../core/cloud/snapshot-files.js";
import type { SourceConfig } from "../../../core/config.js";
import { type Problem, problem, warning } from "../../../core/errors.js";
import { latestDate } from "../../../core/freshness.js";
import type { CloudAccount } from "../../../core/model/index.js";
import type { DriverContext } from "../collect.js";
import { readCsvTable } from "../csv-table.js";
import { listWorkspaceFiles, readWorkspaceText, toPosix } from "../workspace-files.js";

/** An AWS source in snapshot mode: it has the folder to read. */
export type AwsSnapshotSource = Extract<SourceConfig, { type: "aws" }> & { path: string };

/** The snapshot field each top-level JSON file fills. */
const JSON_FIELDS = {
  manifest: SNAPSHOT.manifest.file,
  callerIdentity: SNAPSHOT.callerIdentity.file,
  buckets: SNAPSHOT.buckets.file,
  distributions: SNAPSHOT.distributions.file,
  functions: SNAPSHOT.functions.file,
  tableNames: SNAPSHOT.tableNames.file,
  logGroups: SNAPSHOT.logGroups.file,
  addresses: SNAPSHOT.addresses.file,
  hostedZones: SNAPSHOT.hostedZones.file,
  costs: SNAPSHOT.costs.file,
  tags: SNAPSHOT.tags.file,
} as const satisfies { [K in keyof AccountSnapshot]?: string };

/** The snapshot field each per-resource folder fills. */
const PER_RESOURCE_FIELDS = {
  bucketEncryption: SNAPSHOT.bucketEncryption.folder,
  publicAccessBlock: SNAPSHOT.publicAccessBlock.folder,
  tables: SNAPSHOT.tables.folder,
} as const satisfies { [K in keyof AccountSnapshot]?: string };

/** What the AWS snapshot source contributes: one account per snapshot folder. */
export interface AwsSnapshotYield {
  accounts: CloudAccount[];
  asOf: string | undefined;
  problems: Problem[];
}

/**
 * Reads an AWS snapshot: a folder of AWS CLI JSON outputs (docs/aws-snapshot.md), or a folder
 * whose subfolders are one such snapshot per account. Bad files are problems, never crashes.
 */
export async function readAwsSnapshot(
  source: AwsSnapshotSource,
  context: DriverContext,
): Promise<AwsSnapshotYield> {
  // A trailing slash in the config must not turn into `folder//file` in every problem.
  const root = path.posix.normalize(toPosix(source.path)).replace(/(.)\/$/, "$1");
  const entity = source.entity !== undefined ? context.entities.resolve(source.entity) : undefined;
  if (source.entity !== undefined && entity === undefined)
    return failed([
      problem(
        root,
        undefined,
        `source "${source.id}" names an unknown entity "${source.entity}"`,
        `use one of: ${context.entities.known()}`,
      ),
    ]);
  const listed = await listFolder(context.workspace, root);
  if (listed.entries === undefined) return failed(listed.problems);

  const folders = await accountFolders(context.workspace, root, listed.entries);
  const results = await Promise.all(
    folders.map(async (folder) => {
      const { snapshot, problems } = await readAccountFolder(
        context.workspace,
        folder.path,
        source.entityTag,
      );
      const built = buildCloudAccount(snapshot, {
        id: folder.name === undefined ? source.id : `${source.id}/${folder.name}`,
        sourceId: source.id,
        // The source's entity wins; a folder of accounts may name each account's entity.
        entity:
          entity ?? (folder.name !== undefined ? context.entities.resolve(folder.name) : undefined),
        resolve: (reference) => context.entities.resolve(reference),
        tagKey: source.entityTag,
        currency: context.tenant.currency,
      });
      return { account: built.account, problems: [...problems, ...built.problems] };
    }),
  );
  const accounts = results.flatMap((r) => (r.account !== undefined ? [r.account] : []));
  return {
    accounts,
    asOf: latestDate(accounts.map((a) => a.provenance.asOf)),
    problems: results.flatMap((r) => r.problems),
  };
}

const failed = (problems: Problem[]): AwsSnapshotYield => ({
  accounts: [],
  asOf: undefined,
  problems,
});

/** The folder itself when it holds a caller identity, else each subfolder that does. */
async function accountFolders(
  workspace: string,
  root: string,
  entries: readonly Dirent[],
): Promise<{ path: string; name?: string }[]> {
  if (entries.some((e) => e.isFile() && e.name === SNAPSHOT.callerIdentity.file))
    return [{ path: root }];
  const candidates = entries.filter(
    (e) => e.isDirectory() && !e.name.startsWith(".") && !SNAPSHOT_FOLDER_NAMES.includes(e.name),
  );
  const accounts = await Promise.all(
    candidates.map(async (e) => {
      const listed = await listFolder(workspace, `${root}/${e.name}`);
      const holds = listed.entries?.some(
        (f) => f.isFile() && f.name === SNAPSHOT.callerIdentity.file,
      );
      return holds === true ? [{ path: `${root}/${e.name}`, name: e.name }] : [];
    }),
  );
  const found = accounts.flat().sort((a, b) => a.path.localeCompare(b.path));
  // No account anywhere: read the folder itself, which reports the missing caller identity.
  return found.length > 0 ? found : [{ path: root }];
}

async function readAccountFolder(
  workspace: string,
  folder: string,
  tagKey: string,
): Promise<{ snapshot: AccountSnapshot; problems: Problem[] }> {
  const problems: Problem[] = [];
  const listed = await listFolder(workspace, folder);
  problems.push(...listed.problems);
  const entries = listed.entries ?? [];
  const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  const folders = new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
  for (const name of files) {
    if (name.endsWith(".json") && !SNAPSHOT_FILE_NAMES.includes(name))
      problems.push(
        warning(
          `${folder}/${name}`,
          undefined,
          "not a file of the AWS snapshot layout; it is ignored",
          `name each file after its command as listed in ${SNAPSHOT_DOC}`,
        ),
      );
  }
  const unreadable = new Set<string>();
  const json = async (name: string): Promise<JsonDocument | undefined> => {
    if (!files.has(name)) return undefined;
    const read = await readJson(workspace, `${folder}/${name}`);
    problems.push(...read.problems);
    if (read.document === undefined) unreadable.add(name);
    return read.document;
  };
  const perResource = async (name: string) => {
    if (!folders.has(name)) return undefined;
    const read = await readJsonFolder(workspace, `${folder}/${name}`);
    problems.push(...read.problems);
    return read.documents;
  };
  const [documents, perResourceDocuments] = await Promise.all([
    readFields(JSON_FIELDS, json),
    readFields(PER_RESOURCE_FIELDS, perResource),
  ]);
  const costReport = folders.has(SNAPSHOT.costReport.folder)
    ? await readCostReport(workspace, `${folder}/${SNAPSHOT.costReport.folder}`, tagKey, problems)
    : undefined;
  const snapshot = {
    folder,
    bucketEncryption: new Map(),
    publicAccessBlock: new Map(),
    unreadable,
    ...documents,
    ...perResourceDocuments,
    ...(costReport !== undefined ? { costReport } : {}),
  } as AccountSnapshot;
  return { snapshot, problems };
}

/** Reads every field's file at once; fields whose file is absent are left out. */
async function readFields<T>(
  fields: Record<string, string>,
  read: (name: string) => Promise<T | undefined>,
): Promise<Record<string, T>> {
  const values = await Promise.all(
    Object.entries(fields).map(
      async ([field, name]): Promise<[string, T | undefined]> => [field, await read(name)],
    ),
  );
  return Object.fromEntries(values.filter((entry): entry is [string, T] => entry[1] !== undefined));
}

async function readJson(
  workspace: string,
  file: string,
): Promise<{ document?: JsonDocument; problems: Problem[] }> {
  const decoded = await readWorkspaceText(workspace, file);
  if (decoded.text === undefined) return { problems: decoded.problems };
  return parseJsonDocument(decoded.text, file);
}

/** Every `*.json` of a per-resource folder, by resource name (the file name less `.json`). */
async function readJsonFolder(
  workspace: string,
  folder: string,
): Promise<{ documents: Map<string, JsonDocument>; problems: Problem[] }> {
  const listing = await listWorkspaceFiles(workspace, folder, ".json");
  const reads = await Promise.all(listing.files.map((file) => readJson(workspace, file)));
  const documents = new Map<string, JsonDocument>();
  reads.forEach((read, i) => {
    if (read.document !== undefined)
      documents.set(path.posix.basename(listing.files[i] as string, ".json"), read.document);
  });
  return { documents, problems: [...listing.problems, ...reads.flatMap((r) => r.problems)] };
}

/** Line items of every `cur/*.csv` (a legacy Cost and Usage Report, unzipped). */
async function readCostReport(
  workspace: string,
  folder: string,
  tagKey: string,
  problems: Problem[],
): Promise<CurLine[]> {
  const listing = await listWorkspaceFiles(workspace, folder, ".csv");
  problems.push(...listing.problems);
  if (listing.files.length === 0)
    problems.push(
      warning(
        folder,
        undefined,
        "the Cost and Usage Report folder holds no .csv file",
        "unzip the report's .csv.gz files into it, or remove the folder",
      ),
    );
  const lines: CurLine[] = [];
  for (const file of listing.files) {
    const decoded = await readWorkspaceText(workspace, file);
    if (decoded.text === undefined) {
      problems.push(...decoded.problems);
      continue;
    }
    const headerProblem = curHeaderProblem(headerOf(decoded.text));
    if (headerProblem !== undefined) {
      problems.push(
        problem(file, 1, headerProblem, "export the report with its product columns included"),
      );
      continue;
    }
    const table = readCsvTable(
      decoded.text,
      { file, delimiter: ",", onBadRow: "fail", required: CUR_REQUIRED },
      (row) => convertCurRow(row, file, tagKey),
    );
    problems.push(...table.problems);
    for (const record of table.records) lines.push(record);
  }
  return lines;
}

/** Column names of a CSV's first line (CUR headers are never quoted or comma-bearing). */
function headerOf(text: string): string[] {
  const first = text.slice(0, text.search(/\r?\n|$/));
  return first.split(",").map((name) => name.trim().replace(/^"(.*)"$/, "$1"));
}

async function listFolder(
  workspace: string,
  folder: string,
): Promise<{ entries?: Dirent[]; problems: Problem[] }> {
  try {
    return {
      entries: await readdir(path.resolve(workspace, folder), { withFileTypes: true }),
      problems: [],
    };
  } catch {
    // Listing again through the shared helper turns the error into the usual located problem.
    const again = await listWorkspaceFiles(workspace, folder, "");
    return {
      problems:
        again.problems.length > 0
          ? again.problems
          : [problem(folder, undefined, "cannot list the folder", "check its permissions")],
    };
  }
}
