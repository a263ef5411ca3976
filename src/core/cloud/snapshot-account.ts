import { type Problem, problem, warning } from "../errors.js";
import { periodEnd } from "../freshness.js";
import type { CloudAccount } from "../model/index.js";
import { parseCallerIdentity } from "./caller-identity.js";
import { parseDistributions } from "./cloudfront-distributions.js";
import { parseCostAndUsage } from "./cost-explorer.js";
import type { CostYield } from "./cost-tally.js";
import { type CurLine, tallyCurLines } from "./cur-costs.js";
import { parseTables } from "./dynamodb-tables.js";
import { parseAddresses } from "./elastic-ips.js";
import { type EntityOf, type EntityRules, entityLookup, withEntity } from "./entity-assignment.js";
import { parseHostedZones } from "./hosted-zones.js";
import type { JsonDocument } from "./json-document.js";
import type { Parsed } from "./json-shape.js";
import { parseFunctions } from "./lambda-functions.js";
import { parseLogGroups } from "./log-groups.js";
import { parseResourceTags } from "./resource-tags.js";
import { parseBuckets } from "./s3-buckets.js";
import { SNAPSHOT, SNAPSHOT_DOC } from "./snapshot-files.js";
import { parseSnapshotManifest } from "./snapshot-manifest.js";

/** The files of one snapshot folder, parsed as JSON; an absent one was not collected. */
export interface AccountSnapshot {
  /** Workspace-relative folder. */
  folder: string;
  manifest?: JsonDocument;
  callerIdentity?: JsonDocument;
  buckets?: JsonDocument;
  /** By bucket name. */
  bucketEncryption: ReadonlyMap<string, JsonDocument>;
  /** By bucket name. */
  publicAccessBlock: ReadonlyMap<string, JsonDocument>;
  distributions?: JsonDocument;
  functions?: JsonDocument;
  tableNames?: JsonDocument;
  /** `describe-table` outputs by file name; undefined when the folder is absent. */
  tables?: ReadonlyMap<string, JsonDocument>;
  logGroups?: JsonDocument;
  addresses?: JsonDocument;
  hostedZones?: JsonDocument;
  costs?: JsonDocument;
  /** Line items of the `cur/*.csv` files; undefined when there is no `cur/` folder. */
  costReport?: readonly CurLine[];
  tags?: JsonDocument;
  /**
   * Names of files that are there but could not be read, or calls that failed (already
   * reported): not "not collected". Per-bucket ones read `s3api-get-bucket-encryption/BUCKET.json`.
   */
  unreadable?: ReadonlySet<string>;
}

/** Who the account is and how its records get an entity. */
export interface AccountOptions {
  id: string;
  sourceId: string;
  /** The account's entity id, when it has one. */
  entity: string | undefined;
  resolve: EntityRules["resolve"];
  tagKey: string;
  currency: string;
}

/**
 * Builds one CloudAccount from a snapshot folder (pure). Only the caller identity is required;
 * every other file missing means "not collected", listed in one warning. The account is as of
 * `snapshot.json`'s capturedAt, else the last day of the latest cost month.
 */
export function buildCloudAccount(
  snapshot: AccountSnapshot,
  options: AccountOptions,
): { account?: CloudAccount; asOf?: string; problems: Problem[] } {
  const { folder } = snapshot;
  const unreadable = snapshot.unreadable ?? new Set<string>();
  if (snapshot.callerIdentity === undefined && unreadable.has(SNAPSHOT.callerIdentity.file))
    return { problems: [] };
  if (snapshot.callerIdentity === undefined)
    return {
      problems: [
        problem(
          folder,
          undefined,
          `no ${SNAPSHOT.callerIdentity.file}: this folder is not an AWS snapshot`,
          `run \`${SNAPSHOT.callerIdentity.command} > ${folder}/${SNAPSHOT.callerIdentity.file}\` (see ${SNAPSHOT_DOC})`,
        ),
      ],
    };
  const problems: Problem[] = [];
  const take = <T>(parsed: Parsed<T>): T => {
    problems.push(...parsed.problems);
    return parsed.value;
  };
  const accountId = take(parseCallerIdentity(snapshot.callerIdentity));
  const rules: EntityRules = {
    resolve: options.resolve,
    fallback: options.entity,
    tagKey: options.tagKey,
  };
  const tagged =
    snapshot.tags !== undefined ? take(parseResourceTags(snapshot.tags, rules)) : new Map();
  const entityOf = entityLookup(tagged, options.entity);
  const notCollected: string[] = [];
  const read = <T>(
    document: JsonDocument | undefined,
    name: string,
    parse: (document: JsonDocument, entityOf: EntityOf) => Parsed<T[]>,
  ): T[] => {
    if (document !== undefined) return take(parse(document, entityOf));
    if (!unreadable.has(name)) notCollected.push(name);
    return [];
  };

  const buckets = read(snapshot.buckets, SNAPSHOT.buckets.file, (document) =>
    parseBuckets(
      document,
      {
        encryption: snapshot.bucketEncryption,
        publicAccessBlock: snapshot.publicAccessBlock,
        unreadable,
      },
      entityOf,
    ),
  );
  const distributions = read(
    snapshot.distributions,
    SNAPSHOT.distributions.file,
    parseDistributions,
  );
  const functions = read(snapshot.functions, SNAPSHOT.functions.file, parseFunctions);
  const logGroups = read(snapshot.logGroups, SNAPSHOT.logGroups.file, parseLogGroups);
  const addresses = read(snapshot.addresses, SNAPSHOT.addresses.file, parseAddresses);
  const hostedZones = read(snapshot.hostedZones, SNAPSHOT.hostedZones.file, parseHostedZones);
  let tables: CloudAccount["tables"] = [];
  if (snapshot.tableNames !== undefined || snapshot.tables !== undefined)
    tables = take(parseTables(snapshot.tableNames, snapshot.tables ?? new Map(), entityOf));
  else if (!unreadable.has(SNAPSHOT.tableNames.file))
    notCollected.push(`${SNAPSHOT.tableNames.file} (or ${SNAPSHOT.tables.folder}/)`);
  const costs = unreadable.has(SNAPSHOT.costs.file)
    ? undefined
    : readCosts(snapshot, rules, options.currency, problems, notCollected);

  if (notCollected.length > 0)
    problems.push(
      warning(
        folder,
        undefined,
        `not collected: ${notCollected.join(", ")}; those resources show as none`,
        `run the missing commands listed in ${SNAPSHOT_DOC}, or ignore this if the account does not use them`,
      ),
    );
  const asOf = snapshotDate(snapshot, costs, problems);
  if (accountId === undefined || asOf === undefined) return { problems };
  const account: CloudAccount = {
    id: options.id,
    ...withEntity(options.entity),
    accountId,
    buckets,
    distributions,
    functions,
    tables,
    logGroups,
    addresses,
    hostedZones,
    costs: costs?.costs ?? [],
    provenance: { sourceId: options.sourceId, file: folder, asOf },
  };
  return { account, asOf, problems };
}

function readCosts(
  snapshot: AccountSnapshot,
  rules: EntityRules,
  currency: string,
  problems: Problem[],
  notCollected: string[],
): CostYield | undefined {
  if (snapshot.costs !== undefined) {
    if (snapshot.costReport !== undefined)
      problems.push(
        warning(
          `${snapshot.folder}/${SNAPSHOT.costReport.folder}`,
          undefined,
          `both ${SNAPSHOT.costs.file} and a Cost and Usage Report are present; the report is ignored so nothing is counted twice`,
          "keep one of the two",
        ),
      );
    const parsed = parseCostAndUsage(snapshot.costs, { rules, currency });
    problems.push(...parsed.problems);
    return parsed.value;
  }
  if (snapshot.costReport !== undefined) {
    const parsed = tallyCurLines(snapshot.costReport, rules);
    problems.push(...parsed.problems);
    return parsed.value;
  }
  notCollected.push(`${SNAPSHOT.costs.file} (or ${SNAPSHOT.costReport.folder}/*.csv)`);
  return undefined;
}

function snapshotDate(
  snapshot: AccountSnapshot,
  costs: CostYield | undefined,
  problems: Problem[],
): string | undefined {
  if (snapshot.manifest !== undefined) {
    const parsed = parseSnapshotManifest(snapshot.manifest);
    problems.push(...parsed.problems);
    return parsed.value;
  }
  const latestMonth = costs?.months.at(-1);
  if (latestMonth !== undefined) return periodEnd(latestMonth);
  problems.push(
    problem(
      snapshot.folder,
      undefined,
      "cannot tell when this snapshot was captured: it has no snapshot.json and no cost data",
      `add ${SNAPSHOT.manifest.file} holding { "capturedAt": "YYYY-MM-DD" } (see ${SNAPSHOT_DOC})`,
    ),
  );
  return undefined;
}
