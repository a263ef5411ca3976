import type { ClientBook } from "./billing.js";
import type { DeliveryBook } from "./deliveries.js";
import type { PropertyBook } from "./property.js";

/** Where a record came from: enough to open the file at the right line. */
export interface Provenance {
  sourceId: string;
  /** Workspace-relative path. */
  file: string;
  /** 1-based line of the record in the file, when it has one. */
  line?: number;
  /** The date the record describes the world as of (YYYY-MM-DD). */
  asOf: string;
}

/** Every record in the model carries its provenance. */
export interface Traced {
  provenance: Provenance;
}

/** A business entity or ancillary domain, as configured. */
export interface Entity {
  id: string;
  name: string;
  kind: "business" | "property" | "service" | "client-portfolio";
  aliases: string[];
  domains: string[];
  description?: string;
}

/** Something the owner holds: a vessel, a property, a domain, an email list, equipment. */
export interface Asset extends Traced {
  id: string;
  entity: string;
  kind: "vessel" | "property" | "domain" | "email-list" | "equipment" | "software" | "other";
  name: string;
  /** For email lists: subscribed contacts. */
  contacts?: number;
  notes?: string;
}

/** A way an entity earns money, with how it is priced and how it is billed. */
export interface RevenueStream extends Traced {
  id: string;
  entity: string;
  name: string;
  pricing: {
    model:
      | "per-unit"
      | "hourly"
      | "retainer"
      | "subscription"
      | "fixed-fee"
      | "commission"
      | "none";
    /** Price per unit, in cents. */
    priceCents?: number;
    unit?: string;
    /** Variable cost of delivering one unit, in cents. */
    variableCostCents?: number;
  };
  billing: {
    model: "stripe" | "invoice" | "pos" | "ota-payout" | "cash" | "none";
    system?: string;
  };
}

/** A person around the business: role, equity, agreements, transition plans. */
export interface Person extends Traced {
  id: string;
  name: string;
  role: string;
  entities: string[];
  keyPerson: boolean;
  equity: { status: "documented" | "undocumented" | "none"; percent?: number; note?: string };
  agreements: { kind: string; status: "signed" | "draft" | "missing" | "verbal" }[];
  transitionPlan?: string;
}

/** A component of an entity's technology stack. */
export interface SystemComponent extends Traced {
  id: string;
  entity: string;
  name: string;
  kind:
    | "frontend"
    | "backend"
    | "database"
    | "storage"
    | "cdn"
    | "hosting"
    | "auth"
    | "analytics"
    | "billing"
    | "email"
    | "dashboard"
    | "other";
  technology: string;
  version?: string;
  hosting?: string;
  region?: string;
  repo?: string;
  /** Monthly cost range in cents, when known. */
  monthlyCostCents?: { low: number; high: number };
  /** Monthly savings available by a known change, in cents. */
  savings?: { monthlyCents: number; action: string }[];
}

/** A place an entity can be found or booked: website, GBP, OTA, social, email list. */
export interface Channel extends Traced {
  id: string;
  entity: string;
  kind:
    | "website"
    | "google-business-profile"
    | "ota"
    | "social"
    | "email-list"
    | "directory"
    | "other";
  name: string;
  status: "listed" | "not-listed" | "planned" | "suspended";
  url?: string;
  /** Document ids that must be valid before listing. */
  prerequisites: string[];
  /** Preferred order among channels of the same kind (1 = first). */
  priority?: number;
}

/** A document the business needs (certificate of insurance, licence, crew certificate). */
export interface BusinessDocument extends Traced {
  id: string;
  entity: string;
  name: string;
  status: "valid" | "missing" | "expired" | "pending";
  expires?: string;
}

/** One bank, card or payment-processor line, normalised. */
export interface Transaction extends Traced {
  id: string;
  entity: string;
  /** YYYY-MM-DD */
  date: string;
  description: string;
  /** Signed, in minor units: inflow positive, outflow negative. */
  amountCents: number;
  currency: string;
  /** The account the export belongs to (bank, card, processor). */
  sourceAccount: string;
  /** The category account from the rules, or undefined when no rule matched. */
  category?: string;
}

/** A booking or order, with its money and its service dates. */
export interface Booking extends Traced {
  id: string;
  entity: string;
  stream?: string;
  customer: string;
  channel: string;
  bookedOn: string;
  serviceStart: string;
  serviceEnd: string;
  status: "inquiry" | "quoted" | "confirmed" | "completed" | "cancelled";
  totalCents: number;
  depositCents: number;
  paidCents: number;
}

/** A KPI value for a period (YYYY-MM), actual or target. */
export interface KpiValue extends Traced {
  kpi: string;
  /** Undefined for tenant-wide KPIs. */
  entity?: string;
  period: string;
  value: number;
  unit: string;
}

/** The heading a handoff item sat under. */
export type HandoffSection = "state" | "issue" | "decision" | "risk" | "next-step" | "other";

/** One list item of a handoff note, typed by its section, with its tags. */
export interface HandoffItem extends Traced {
  section: HandoffSection;
  text: string;
  /** Topic tags such as `security`, lowercased, without brackets. */
  tags: string[];
  severity?: "critical" | "high" | "medium" | "low";
}

/** A handoff note: front matter plus its typed items. */
export interface HandoffNote extends Traced {
  id: string;
  entity: string;
  title: string;
  updated: string;
  owner?: string;
  stack: string[];
  items: HandoffItem[];
}

/** A financial rule to check the ledger against. */
export interface Policy extends Traced {
  id: string;
  description: string;
  kind: "forbid-spend" | "capital-for-revenue-only" | "max-monthly-spend";
  /** Case-insensitive pattern over transaction descriptions. */
  match?: string;
  /** Category accounts the rule applies to (prefix match). */
  accounts: string[];
  limitCents?: number;
}

/** A spend the owner plans, to be tiered by the capital-deployment framework. */
export interface PlannedSpend extends Traced {
  id: string;
  entity: string;
  description: string;
  amountCents: number;
  cadence: "once" | "monthly" | "yearly";
  revenueProducing: boolean;
  /** Document or channel ids this spend depends on. */
  dependsOn: string[];
}

/** A marketing campaign with low/high conversion assumptions. */
export interface Campaign extends Traced {
  id: string;
  entity: string;
  kind: "email-blast" | "ads" | "ota-launch" | "seo";
  name: string;
  /** Asset id of the audience (e.g. the email list). */
  audience?: string;
  valuePerConversionCents: number;
  assumptions: { low: FunnelRates; high: FunnelRates };
}

/** Funnel rates as fractions between 0 and 1. */
export interface FunnelRates {
  open: number;
  click: number;
  conversion: number;
}

/** A technology found in a repository, with the file that shows it. */
export interface StackItem {
  technology: string;
  kind:
    | "runtime"
    | "language"
    | "framework"
    | "infrastructure"
    | "container"
    | "static-site"
    | "platform";
  /** As declared (e.g. `18`, `^4.18.2`, `7.0.8`), when the file declares one. */
  version?: string;
  /** Repository-relative path of the file that shows it. */
  evidence: string;
  /** Set when the declared version is past its end of life at the period end. */
  endOfLife?: { since: string; note: string };
}

/** Files of a repository that show one part of its delivery cycle (empty: none found). */
export interface DeliverySignals {
  ci: string[];
  tests: string[];
  staging: string[];
  deployScripts: string[];
  rollbackDocs: string[];
}

/** A credential found in a repository's tree or history: where, never its value. */
export interface RepoSecret {
  /** Human words for what it is, e.g. "Stripe live secret key". */
  kind: string;
  ruleId: string;
  /** The commit that added it, and that commit's date (YYYY-MM-DD). */
  commit: string;
  commitDate: string;
  path: string;
  line?: number;
  /** Masked fingerprint, e.g. `sk_l… sha256:3f9a1c2e`. */
  fingerprint: string;
  /** Still present in the current tree (false: only in history). */
  inHead: boolean;
}

/** A committed `.env`-style file. */
export interface RepoEnvFile {
  path: string;
  /** The commit that first added it, and its date. */
  commit: string;
  commitDate: string;
  inHead: boolean;
}

/** An HTTP endpoint declared in code that checks no credential; needs a person to review. */
export interface RepoEndpoint {
  path: string;
  line: number;
  handler: string;
  note: string;
}

/** One git repository as the git collector saw it. */
export interface Repository extends Traced {
  id: string;
  entity: string;
  name: string;
  /** Workspace-relative folder. */
  path: string;
  defaultBranch?: string;
  headCommit: string;
  /** Date of the newest commit (YYYY-MM-DD). */
  lastCommitDate: string;
  commits: number;
  stack: StackItem[];
  delivery: DeliverySignals;
  secrets: RepoSecret[];
  envFiles: RepoEnvFile[];
  endpoints: RepoEndpoint[];
}

/** An S3 bucket and how it is protected (null: not known from the data). */
export interface CloudBucket {
  name: string;
  entity?: string;
  encrypted: boolean | null;
  publicAccessBlocked: boolean | null;
}

/** A CloudFront distribution. */
export interface CloudDistribution {
  id: string;
  entity?: string;
  domainName: string;
  aliases: string[];
  /** The WAF web ACL attached, or null when none is. */
  webAclId: string | null;
  enabled: boolean;
  /** Origin domain names (an S3 bucket endpoint, a load balancer, ...). */
  origins: string[];
}

/** A Lambda function; environment variable names only, never their values. */
export interface CloudFunction {
  name: string;
  entity?: string;
  runtime: string;
  memoryMb: number;
  /** Names of environment variables that look like secrets (JWT_SECRET, STRIPE_KEY, ...). */
  secretLikeEnvNames: string[];
}

/** A DynamoDB table. */
export interface CloudTable {
  name: string;
  entity?: string;
  billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  readCapacity?: number;
  writeCapacity?: number;
  /** Approximate, as DescribeTable reports it (refreshed about every six hours). */
  itemCount?: number;
}

/** An Elastic IP address; an unattached one is billed by the hour and serves nothing. */
export interface CloudAddress {
  publicIp: string;
  entity?: string;
  allocationId?: string;
  /** Associated with an instance or network interface. */
  attached: boolean;
}

/** A CloudWatch Logs log group. */
export interface CloudLogGroup {
  name: string;
  entity?: string;
  kmsKeyId: string | null;
  /** null: never expire. */
  retentionDays: number | null;
  storedBytes?: number;
}

/** One service's cost in one month. */
export interface CloudCost {
  month: string;
  service: string;
  entity?: string;
  amountCents: number;
}

/** One AWS account as the AWS collector saw it (live or from a snapshot folder). */
export interface CloudAccount extends Traced {
  id: string;
  /** The entity the account belongs to, when one does. */
  entity?: string;
  accountId?: string;
  buckets: CloudBucket[];
  distributions: CloudDistribution[];
  functions: CloudFunction[];
  tables: CloudTable[];
  logGroups: CloudLogGroup[];
  addresses: CloudAddress[];
  /** Route 53 hosted zone names, without the trailing dot. */
  hostedZones: string[];
  costs: CloudCost[];
}

/** How current one source is relative to the period being reported. */
export interface SourceFreshness {
  sourceId: string;
  type: string;
  records: number;
  /** Latest date the source's data covers, or undefined when it holds nothing. */
  asOf?: string;
  /** Days between asOf and the end of the reported period (negative when data runs past it). */
  ageDays?: number;
  status: "fresh" | "stale" | "empty";
}

export type { ClientBook, DeliveryBook, PropertyBook };

/** Everything known about one tenant, from every source, with provenance. */
export interface TenantModel {
  tenant: { id: string; name: string; currency: string; timezone: string };
  entities: Entity[];
  assets: Asset[];
  revenueStreams: RevenueStream[];
  people: Person[];
  systems: SystemComponent[];
  channels: Channel[];
  documents: BusinessDocument[];
  transactions: Transaction[];
  bookings: Booking[];
  kpiObservations: KpiValue[];
  kpiTargets: KpiValue[];
  handoffs: HandoffNote[];
  policies: Policy[];
  plannedSpends: PlannedSpend[];
  campaigns: Campaign[];
  repositories: Repository[];
  cloudAccounts: CloudAccount[];
  /** Rental properties (domain report rental-property). */
  propertyBooks: PropertyBook[];
  /** Yacht-delivery services (domain report yacht-delivery). */
  deliveryBooks: DeliveryBook[];
  /** Client portfolios (domain report billing-audit). */
  clientBooks: ClientBook[];
  freshness: SourceFreshness[];
}

/** The collections the registry YAML fills. */
export const REGISTRY_COLLECTIONS = [
  "assets",
  "revenueStreams",
  "people",
  "systems",
  "channels",
  "documents",
  "policies",
  "plannedSpends",
  "campaigns",
] as const satisfies readonly (keyof TenantModel)[];

/** The record collections of a tenant model, by name (used for counts). */
export const RECORD_COLLECTIONS = [
  "entities",
  ...REGISTRY_COLLECTIONS,
  "transactions",
  "bookings",
  "kpiObservations",
  "kpiTargets",
  "handoffs",
  "repositories",
  "cloudAccounts",
  "propertyBooks",
  "deliveryBooks",
  "clientBooks",
] as const satisfies readonly (keyof TenantModel)[];

/** Name of a record collection. */
export type RecordCollection = (typeof RECORD_COLLECTIONS)[number];

/** Record counts of a model per collection, plus the handoff items by section. */
export function countRecords(
  model: TenantModel,
): Record<RecordCollection | "handoffItems", number> {
  const counts = Object.fromEntries(RECORD_COLLECTIONS.map((name) => [name, model[name].length]));
  return {
    ...(counts as Record<RecordCollection, number>),
    handoffItems: model.handoffs.reduce((sum, note) => sum + note.items.length, 0),
  };
}

/** A tenant model with its entities and every record collection empty, ready to be filled. */
export function emptyTenantModel(tenant: TenantModel["tenant"], entities: Entity[]): TenantModel {
  // Built from RECORD_COLLECTIONS so a collection added to the model starts empty everywhere.
  const model = { tenant, entities, freshness: [] } as unknown as TenantModel;
  for (const name of RECORD_COLLECTIONS) if (name !== "entities") (model[name] as unknown[]) = [];
  return model;
}
