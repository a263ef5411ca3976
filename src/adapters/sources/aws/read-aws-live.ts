import type { JsonDocument } from "../../../core/cloud/json-document.js";
import { type AccountSnapshot, buildCloudAccount } from "../../../core/cloud/snapshot-account.js";
import { SNAPSHOT } from "../../../core/cloud/snapshot-files.js";
import { type Problem, problem } from "../../../core/errors.js";
import type { DriverContext } from "../collect.js";
import {
  type AwsClients,
  type AwsConnection,
  type AwsLiveSource,
  connectAws,
} from "./aws-clients.js";
import { type AwsFailure, adviseOnFailure, CREDENTIALS_ADVICE } from "./aws-errors.js";
import type { JsonBody } from "./cli-pages.js";
import { type CostWindow, costWindow } from "./cost-window.js";
import {
  describeAddresses,
  describeLogGroups,
  describeTable,
  getBucketEncryption,
  getCallerIdentity,
  getCostAndUsage,
  getPublicAccessBlock,
  getResources,
  LIVE_CALLS,
  listBuckets,
  listDistributions,
  listFunctions,
  listHostedZones,
  listTables,
} from "./live-calls.js";
import { attempt, createRun, failureText, type LiveRun } from "./live-run.js";
import type { AwsSnapshotYield } from "./read-aws-snapshot.js";

/** What tests may set instead of the real thing. */
export interface LiveOptions {
  /** Clients to use instead of building them (the caller destroys them). */
  clients?: Partial<AwsClients>;
  /** The clock: the account is as of its day (UTC), and Cost Explorer never asked past it. */
  now?: () => Date;
}

/**
 * Reads an AWS account live through the SDK's standard credential chain. Each response is
 * turned into the JSON the AWS CLI prints for the matching snapshot file, so the account is
 * built by the very parsers of snapshot mode (one output shape). A call that fails is one
 * warning naming the IAM action to allow; failing to identify the account is an error.
 */
export async function readAwsLive(
  source: AwsLiveSource,
  context: DriverContext,
  options: LiveOptions = {},
): Promise<AwsSnapshotYield> {
  const folder = `aws source "${source.id}" (live)`;
  const entity = source.entity !== undefined ? context.entities.resolve(source.entity) : undefined;
  if (source.entity !== undefined && entity === undefined)
    return failed(
      problem(
        folder,
        undefined,
        `source "${source.id}" names an unknown entity "${source.entity}"`,
        `use one of: ${context.entities.known()}`,
      ),
    );
  const today = (options.now?.() ?? new Date()).toISOString().slice(0, 10);
  const aws = connectAws(source, options.clients);
  try {
    const identity = await attempt(() => getCallerIdentity(aws));
    if ("failure" in identity) return failed(identityProblem(folder, identity.failure));
    const run = createRun(folder);
    const [buckets, tables, costs, tags, ...rest] = await Promise.all([
      readBuckets(aws, run),
      readTables(aws, run),
      readCosts(
        aws,
        run,
        costWindow(context.periodEnd, source.costMonths, today),
        source.entityTag,
      ),
      readTags(aws, run),
      run.call(LIVE_CALLS.distributions, () => listDistributions(aws)),
      run.call(LIVE_CALLS.functions, () => listFunctions(aws)),
      run.call(LIVE_CALLS.logGroups, () => describeLogGroups(aws)),
      run.call(LIVE_CALLS.addresses, () => describeAddresses(aws)),
      run.call(LIVE_CALLS.hostedZones, () => listHostedZones(aws)),
    ]);
    const [distributions, functions, logGroups, addresses, hostedZones] = rest;
    const snapshot: AccountSnapshot = {
      folder,
      manifest: run.document(SNAPSHOT.manifest.file, { capturedAt: today }),
      callerIdentity: run.document(SNAPSHOT.callerIdentity.file, identity.value),
      ...buckets,
      ...tables,
      costs,
      tags,
      distributions,
      functions,
      logGroups,
      addresses,
      hostedZones,
      unreadable: run.unreadable,
    };
    const built = buildCloudAccount(snapshot, {
      id: source.id,
      sourceId: source.id,
      entity,
      resolve: (reference) => context.entities.resolve(reference),
      tagKey: source.entityTag,
      currency: context.tenant.currency,
    });
    return {
      accounts: built.account !== undefined ? [built.account] : [],
      asOf: built.account !== undefined ? built.asOf : undefined,
      // Calls end in any order: their warnings are sorted so two runs read the same.
      problems: [...run.problems.sort(byMessage), ...built.problems],
    };
  } finally {
    await aws.destroy();
  }
}

const failed = (reason: Problem): AwsSnapshotYield => ({
  accounts: [],
  asOf: undefined,
  problems: [reason],
});

/** The bucket list, then each bucket's encryption and public access block. */
async function readBuckets(
  aws: AwsConnection,
  run: LiveRun,
): Promise<Pick<AccountSnapshot, "buckets" | "bucketEncryption" | "publicAccessBlock">> {
  const list = await run.body(LIVE_CALLS.buckets, () => listBuckets(aws));
  if (list === undefined) return { bucketEncryption: new Map(), publicAccessBlock: new Map() };
  const names = namesIn(list.Buckets, "Name");
  const noun = "bucket";
  // One after the other, so no more than PER_RESOURCE_LIMIT requests are in flight for S3.
  const encryption = await run.perResource(
    names,
    { call: LIVE_CALLS.bucketEncryption, folder: SNAPSHOT.bucketEncryption.folder, noun },
    (bucket) => getBucketEncryption(aws, bucket),
  );
  const publicAccessBlock = await run.perResource(
    names,
    { call: LIVE_CALLS.publicAccessBlock, folder: SNAPSHOT.publicAccessBlock.folder, noun },
    (bucket) => getPublicAccessBlock(aws, bucket),
  );
  return {
    buckets: run.document(SNAPSHOT.buckets.file, list),
    bucketEncryption: encryption.documents,
    publicAccessBlock: publicAccessBlock.documents,
  };
}

/** The table list, then each table's description; a table that cannot be described is left out. */
async function readTables(
  aws: AwsConnection,
  run: LiveRun,
): Promise<Pick<AccountSnapshot, "tableNames" | "tables">> {
  const list = await run.body(LIVE_CALLS.tableNames, () => listTables(aws));
  if (list === undefined) return {};
  const names = namesIn(list.TableNames);
  const described = await run.perResource(
    names,
    {
      call: LIVE_CALLS.tables,
      folder: SNAPSHOT.tables.folder,
      noun: "table",
      // Deleted between the listing and its description: it no longer exists.
      quiet: "ResourceNotFoundException",
    },
    (table) => describeTable(aws, table),
  );
  // Already warned about (or gone): the parser must not ask for a file for them.
  const kept = { ...list, TableNames: names.filter((name) => !described.failed.has(name)) };
  return {
    tableNames: run.document(SNAPSHOT.tableNames.file, kept),
    tables: described.documents,
  };
}

async function readCosts(
  aws: AwsConnection,
  run: LiveRun,
  window: CostWindow,
  tagKey: string,
): Promise<JsonDocument | undefined> {
  if ("start" in window)
    return run.call(LIVE_CALLS.costs, () => getCostAndUsage(aws, window, tagKey));
  run.unreadable.add(SNAPSHOT.costs.file);
  run.warn(
    `${window.empty}; ${LIVE_CALLS.costs.lost}`,
    "report a month that has begun (--period), or run again once it has",
  );
  return undefined;
}

/** Tags of the source's region and CloudFront's (us-east-1), each resource once. */
async function readTags(aws: AwsConnection, run: LiveRun): Promise<JsonDocument | undefined> {
  const [regional, cloudfront] = await Promise.all([
    run.body(LIVE_CALLS.tags, () => getResources(aws, "tagging")),
    run.body(LIVE_CALLS.cloudfrontTags, () => getResources(aws, "taggingGlobal")),
  ]);
  const bodies = [regional, cloudfront].filter((b): b is JsonBody => b !== undefined);
  const [first] = bodies;
  if (first === undefined) return undefined;
  const seen = new Set<unknown>();
  const mappings = bodies
    .flatMap((body) =>
      Array.isArray(body.ResourceTagMappingList) ? body.ResourceTagMappingList : [],
    )
    .filter((mapping: { ResourceARN?: unknown }) => {
      if (seen.has(mapping.ResourceARN)) return false;
      seen.add(mapping.ResourceARN);
      return true;
    });
  return run.document(SNAPSHOT.tags.file, { ...first, ResourceTagMappingList: mappings });
}

/** The account cannot even be named: no credentials, no region, or they were refused. */
function identityProblem(folder: string, failure: AwsFailure): Problem {
  return problem(
    folder,
    undefined,
    `cannot identify the AWS account: ${LIVE_CALLS.callerIdentity.operation} failed (${failureText(failure)})`,
    failure.kind === "other"
      ? CREDENTIALS_ADVICE
      : adviseOnFailure(failure, "sts:GetCallerIdentity"),
  );
}

const byMessage = (a: Problem, b: Problem) => a.message.localeCompare(b.message);

/** The strings of a list (or each entry's `key`), skipping anything else. */
function namesIn(list: unknown, key?: string): string[] {
  if (!Array.isArray(list)) return [];
  const names = list.map((entry) => (key === undefined ? entry : entry?.[key]));
  return names.filter((name): name is string => typeof name === "string" && name !== "");
}
