import path from "node:path";
import { createCategoriser } from "../../core/categorise.js";
import type { SourceConfig, TenantConfig } from "../../core/config.js";
import { createEntityResolver, type EntityResolver } from "../../core/entity-resolver.js";
import { hasErrors, type Problem, problem, warning } from "../../core/errors.js";
import { assessFreshness, latestDate, periodEnd } from "../../core/freshness.js";
import { type Entity, emptyTenantModel, type TenantModel } from "../../core/model/index.js";
import type { AwsSnapshotYield } from "./aws/read-aws-snapshot.js";
import { parseBookingsCsv } from "./bookings-csv.js";
import type { DomainYield } from "./domain-yield.js";
import { parseHandoffNote } from "./handoff-markdown.js";
import { parseKpiCsv } from "./kpis-csv.js";
import { parseLedgerCsv } from "./ledger-csv.js";
import { parseRegistryYaml } from "./registry-yaml.js";
import { listWorkspaceFiles, readWorkspaceText, toPosix } from "./workspace-files.js";

/** What one source contributed: a slice of the model, its as-of date and its problems. */
interface SourceYield {
  slice: Partial<Omit<TenantModel, "tenant" | "entities" | "freshness">>;
  records: number;
  asOf: string | undefined;
  problems: Problem[];
}

type Driver<S extends SourceConfig> = (source: S, context: DriverContext) => Promise<SourceYield>;

/** What a source driver gets besides its own config. */
export interface DriverContext {
  workspace: string;
  tenant: TenantConfig;
  entities: EntityResolver;
  /** Last day of the reported period (YYYY-MM-DD): end-of-life and ages are judged at it. */
  periodEnd: string;
  /** The state database, when the caller lets collecting keep caches there (not `validate`). */
  stateDatabase?: string;
}

/** The tenant model plus every problem met while collecting it (warnings included). */
export interface CollectResult {
  model: TenantModel;
  problems: Problem[];
}

/**
 * Reads every source of a tenant into one model. All sources are read even after a failure,
 * so the user sees every problem at once; callers must not use the model when errors exist.
 */
export async function collectTenantModel(
  workspace: string,
  tenant: TenantConfig,
  options: { period: string; staleAfterDays: number; stateDatabase?: string },
): Promise<CollectResult> {
  const entities: Entity[] = tenant.entities.map((e) => ({ ...e }));
  const context: DriverContext = {
    workspace,
    tenant,
    entities: createEntityResolver(entities),
    periodEnd: periodEnd(options.period),
    ...(options.stateDatabase !== undefined ? { stateDatabase: options.stateDatabase } : {}),
  };
  const model = emptyTenantModel(
    { id: tenant.id, name: tenant.name, currency: tenant.currency, timezone: tenant.timezone },
    entities,
  );
  const yields = await Promise.all(tenant.sources.map((source) => readSource(source, context)));
  const problems: Problem[] = [];
  yields.forEach((result, i) => {
    const source = tenant.sources[i] as SourceConfig;
    problems.push(...result.problems);
    for (const [key, records] of Object.entries(result.slice)) {
      // Arrays are appended rather than spread: a million-row ledger would overflow the call stack.
      const target = model[key as keyof typeof result.slice] as unknown[];
      for (const record of records as unknown[]) target.push(record);
    }
    const freshness = assessFreshness({
      sourceId: source.id,
      type: source.type,
      records: result.records,
      asOf: result.asOf,
      period: options.period,
      staleAfterDays: source.staleAfterDays ?? options.staleAfterDays,
    });
    model.freshness.push(freshness);
    if (freshness.status === "stale" && !hasErrors(result.problems)) {
      problems.push(
        warning(
          sourceLocation(source),
          undefined,
          `source "${source.id}" is stale: its data ends ${freshness.asOf}, ${freshness.ageDays} days before the end of ${options.period}`,
          "export fresh data, or raise staleAfterDays for this source",
        ),
      );
    }
  });
  return { model, problems };
}

function readSource(source: SourceConfig, context: DriverContext): Promise<SourceYield> {
  switch (source.type) {
    case "ledger":
      return readLedger(source, context);
    case "bookings":
      return readBookings(source, context);
    case "kpis":
      return readKpis(source, context);
    case "handoffs":
      return readHandoffs(source, context);
    case "registry":
      return readRegistry(source, context);
    case "git":
      return readGit(source, context);
    case "aws":
      return readAws(source, context);
    case "rental":
      return readDomain(source, context, async () => {
        const { readPropertySource } = await import("./property/read-property-source.js");
        const read = await readPropertySource(source, context);
        return { read, slice: { propertyBooks: read.book !== undefined ? [read.book] : [] } };
      });
    case "deliveries":
      return readDomain(source, context, async () => {
        const { readDeliveriesSource } = await import("./deliveries/read-deliveries-source.js");
        const read = await readDeliveriesSource(source, context);
        return { read, slice: { deliveryBooks: read.book !== undefined ? [read.book] : [] } };
      });
    case "billing":
      return readDomain(source, context, async () => {
        const { readBillingSource } = await import("./billing/read-billing-source.js");
        const read = await readBillingSource(source, context);
        return { read, slice: { clientBooks: read.book !== undefined ? [read.book] : [] } };
      });
  }
}

const readGit: Driver<Extract<SourceConfig, { type: "git" }>> = async (source, context) => {
  const { readGitSource } = await import("./git/read-git-source.js");
  // The history scan remembers what it has read, so a re-run reads only new commits.
  const cache =
    context.stateDatabase !== undefined
      ? (await import("../store/git-scan-cache.js")).openGitScanCache(context.stateDatabase)
      : undefined;
  try {
    const { repositories, problems } = await readGitSource(source, context, {
      periodEnd: context.periodEnd,
      ...(cache !== undefined ? { cache } : {}),
    });
    return {
      slice: { repositories },
      records: repositories.length,
      // A repository is read as it stands when collected, which covers the period whatever
      // its last commit's date (an old last commit is a delivery-cycle fact, not stale data).
      asOf: repositories.length > 0 ? context.periodEnd : undefined,
      problems,
    };
  } finally {
    cache?.close();
  }
};
const readAws: Driver<Extract<SourceConfig, { type: "aws" }>> = async (source, context) => {
  let read: AwsSnapshotYield;
  // The config schema gives a path exactly to snapshot sources, so its absence means live.
  if (source.path === undefined) {
    const { readAwsLive } = await import("./aws/read-aws-live.js");
    read = await readAwsLive(source, context);
  } else {
    const { readAwsSnapshot } = await import("./aws/read-aws-snapshot.js");
    read = await readAwsSnapshot({ ...source, path: source.path }, context);
  }
  const { accounts, asOf, problems } = read;
  return { slice: { cloudAccounts: accounts }, records: accounts.length, asOf, problems };
};

/** A domain folder source: an unknown entity is a problem before any file is read. */
async function readDomain(
  source: Extract<SourceConfig, { type: "rental" | "deliveries" | "billing" }>,
  context: DriverContext,
  read: () => Promise<{ read: DomainYield<unknown>; slice: SourceYield["slice"] }>,
): Promise<SourceYield> {
  if (context.entities.resolve(source.entity) === undefined)
    return failed([
      problem(
        source.path,
        undefined,
        `source "${source.id}" names an unknown entity "${source.entity}"`,
        `use one of: ${context.entities.known()}`,
      ),
    ]);
  const { read: yielded, slice } = await read();
  return { slice, records: yielded.records, asOf: yielded.asOf, problems: yielded.problems };
}

/** Where a source's problems point: its file or folder, or the live account it asks. */
function sourceLocation(source: SourceConfig): string {
  return source.path ?? `${source.type} source "${source.id}" (live)`;
}

const failed = (problems: Problem[]): SourceYield => ({
  slice: {},
  records: 0,
  asOf: undefined,
  problems,
});

const readLedger: Driver<Extract<SourceConfig, { type: "ledger" }>> = async (source, context) => {
  const decoded = await readWorkspaceText(context.workspace, source.path, source.encoding);
  if (decoded.text === undefined) return failed(decoded.problems);
  const categorise = createCategoriser(context.tenant.categories);
  const { transactions, problems } = parseLedgerCsv(
    decoded.text,
    source,
    toPosix(source.path),
    categorise,
  );
  return {
    slice: { transactions },
    records: transactions.length,
    asOf: latestDate(transactions.map((t) => t.date)),
    problems,
  };
};

const readBookings: Driver<Extract<SourceConfig, { type: "bookings" }>> = async (
  source,
  context,
) => {
  const decoded = await readWorkspaceText(context.workspace, source.path, source.encoding);
  if (decoded.text === undefined) return failed(decoded.problems);
  const options = {
    sourceId: source.id,
    file: toPosix(source.path),
    delimiter: source.delimiter,
    onBadRow: source.onBadRow,
  };
  const { bookings, problems } = parseBookingsCsv(decoded.text, options, context.entities);
  return {
    slice: { bookings },
    records: bookings.length,
    asOf: latestDate(bookings.map((b) => b.bookedOn)),
    problems,
  };
};

const readKpis: Driver<Extract<SourceConfig, { type: "kpis" }>> = async (source, context) => {
  const files = [source.path, ...(source.targets !== undefined ? [source.targets] : [])];
  const decoded = await Promise.all(
    files.map((file) => readWorkspaceText(context.workspace, file, source.encoding)),
  );
  const problems = decoded.flatMap((d) => d.problems);
  const [observations, targets] = decoded.map((d, i) =>
    d.text === undefined
      ? { values: [], problems: [] }
      : parseKpiCsv(
          d.text,
          {
            sourceId: source.id,
            file: toPosix(files[i] as string),
            delimiter: source.delimiter,
            onBadRow: source.onBadRow,
          },
          context.entities,
        ),
  );
  const kpiObservations = observations?.values ?? [];
  const kpiTargets = targets?.values ?? [];
  problems.push(...(observations?.problems ?? []), ...(targets?.problems ?? []));
  // Targets look ahead by design, so only observations say how current the source is.
  const asOf = latestDate(kpiObservations.map((o) => o.provenance.asOf));
  return {
    slice: { kpiObservations, kpiTargets },
    records: kpiObservations.length + kpiTargets.length,
    asOf,
    problems,
  };
};

const readHandoffs: Driver<Extract<SourceConfig, { type: "handoffs" }>> = async (
  source,
  context,
) => {
  const listing = await listWorkspaceFiles(context.workspace, source.path, ".md");
  if (listing.problems.length > 0) return failed(listing.problems);
  if (listing.files.length === 0)
    return failed([
      warning(
        toPosix(source.path),
        undefined,
        "handoff folder has no .md notes",
        "add notes or remove the source",
      ),
    ]);
  const results = await Promise.all(
    listing.files.map(async (file) => {
      const decoded = await readWorkspaceText(context.workspace, file);
      if (decoded.text === undefined) return { problems: decoded.problems };
      return parseHandoffNote(
        decoded.text,
        { sourceId: source.id, file, id: path.basename(file, ".md") },
        context.entities,
      );
    }),
  );
  const handoffs = results.flatMap((r) => (r.note !== undefined ? [r.note] : []));
  return {
    slice: { handoffs },
    records: handoffs.length,
    asOf: latestDate(handoffs.map((h) => h.updated)),
    problems: results.flatMap((r) => r.problems),
  };
};

const readRegistry: Driver<Extract<SourceConfig, { type: "registry" }>> = async (
  source,
  context,
) => {
  const decoded = await readWorkspaceText(context.workspace, source.path);
  if (decoded.text === undefined) return failed(decoded.problems);
  const { records, problems } = parseRegistryYaml(
    decoded.text,
    { sourceId: source.id, file: toPosix(source.path) },
    context.entities,
  );
  if (records === undefined) return failed(problems);
  const { asOf, ...slice } = records;
  const count = Object.values(slice).reduce((sum, list) => sum + list.length, 0);
  return { slice, records: count, asOf, problems };
};
