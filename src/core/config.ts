import { z } from "zod";
import { InputError, type Problem, problem, sortProblems } from "./errors.js";
import {
  checkTimeZone,
  parseScheduleExpression,
  ScheduleExpressionError,
} from "./schedule/cron.js";
import { GATE_IDS } from "./validate/types.js";
import { type LocatedYaml, problemAt } from "./yaml-document.js";
import { zodIssueToProblem } from "./zod-problems.js";

const CONFIG_HINT = "see schema/exec-intel.schema.json or docs/workspace.md";

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and dashes (e.g. `queen-of-sd`)");
/** A retry policy's first delay in milliseconds, shared by deliveries and webhook posts. */
const firstRetryDelay = (fallback: number) =>
  z
    .number()
    .int()
    .min(1)
    .default(fallback)
    .describe(
      "Milliseconds: the most the first retry waits (a random share of it), doubling for each retry after it",
    );
const relativePath = z.string().min(1, "give a path relative to the workspace folder");

/** Where a delivered address comes from: a person with a name and an email. */
const recipientSchema = z.strictObject({
  name: z.string().min(1).describe("Display name shown with the address in the message's headers"),
  email: z
    .email("use a full email address such as ceo@example.com")
    .describe("Full email address, e.g. owner@example.com"),
});

/** The reports exec-intel writes: the five C-suite reports, then the domain reports. */
export const REPORT_KINDS = [
  "ceo",
  "cto",
  "accounting",
  "cmo",
  "cfo",
  "rental-property",
  "yacht-delivery",
  "billing-audit",
] as const;

/** One kind of report. */
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The entity kind each domain report covers. */
export const DOMAIN_ENTITY_KINDS: Readonly<Partial<Record<ReportKind, string>>> = {
  "rental-property": "property",
  "yacht-delivery": "service",
  "billing-audit": "client-portfolio",
};

const roleSchema = z.strictObject({
  title: z.string().optional().describe("Display title of the role, e.g. Chief Executive Officer"),
  report: z
    .enum(REPORT_KINDS)
    .optional()
    .describe("The report this role receives (default: the role id, e.g. cto)"),
  entity: slug
    .optional()
    .describe(
      "Domain reports: the entity covered (default: the tenant's only entity of the report's kind)",
    ),
  recipients: z
    .array(recipientSchema)
    .default([])
    .describe(
      "People who get this role's report, one message each, and may sign in to the dashboard to see it (none: the report is made and archived, not sent)",
    ),
  expectedKpis: z
    .array(slug)
    .default([])
    .describe("KPI ids this role expects to see; one with no observation is a missing KPI"),
});

const entitySchema = z.strictObject({
  id: slug.describe(
    "Short id of the entity, used by sources, roles and categories (and accepted in data files) to refer to it",
  ),
  name: z.string().min(1).describe("Canonical name, spelled exactly as reports must spell it"),
  kind: z
    .enum(["business", "property", "service", "client-portfolio"])
    .describe(
      "business: a core company; property, service and client-portfolio: what a rental-property, yacht-delivery or billing-audit report covers",
    ),
  aliases: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Other spellings the data uses for the entity: they resolve to it in CSVs, notes and the registry, and the canonical-names gate accepts them",
    ),
  domains: z
    .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "use a bare domain such as example.com"))
    .default([])
    .describe(
      "Web domains the entity owns, e.g. example.com; reports list them and the canonical-names gate blocks misspellings of them",
    ),
  description: z
    .string()
    .optional()
    .describe("A note on what the entity is, for people reading the config; no report shows it"),
});

const ledgerColumnsSchema = z
  .strictObject({
    date: z.string().min(1).describe("Header of the transaction date column"),
    description: z
      .string()
      .min(1)
      .describe("Header of the description column, the text `categories` rules match"),
    amount: z
      .string()
      .min(1)
      .optional()
      .describe("Header of the signed amount column (see sign); or give debit and credit instead"),
    debit: z
      .string()
      .min(1)
      .optional()
      .describe("Header of the unsigned money-out column, used with credit instead of amount"),
    credit: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Header of the unsigned money-in column, used with debit instead of amount (amount = credit - debit)",
      ),
    currency: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Header of a column with each row's three-letter currency code (default: the source's currency)",
      ),
    account: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Header of a column naming each row's account, for exports of several accounts (empty cells: the source's account)",
      ),
    reference: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Header of the column with the bank's own transaction id, which keeps transaction ids stable when rows are added or reordered",
      ),
  })
  .refine((c) => c.amount !== undefined || (c.debit !== undefined && c.credit !== undefined), {
    message: "map either an `amount` column or both `debit` and `credit` columns",
  })
  .describe("Which header of the export holds what, spelled exactly as in its first row");

const csvOptions = {
  delimiter: z
    .string()
    .length(1)
    .default(",")
    .describe("The one character between values; e.g. ; for many European exports"),
  encoding: z
    .enum(["utf8", "latin1"])
    .default("utf8")
    .describe(
      "The file's text encoding: latin1 for older exports that are refused as invalid UTF-8",
    ),
  onBadRow: z
    .enum(["fail", "skip"])
    .default("fail")
    .describe(
      "fail: a bad row stops the run, with every bad row listed; skip: bad rows are left out, each listed as a warning",
    ),
};

const sourceId = slug.describe(
  "Unique id of the source within the tenant, named in warnings and freshness notes and used as the key of validation.freshness.sources",
);
const sourceStaleAfterDays = z
  .number()
  .int()
  .positive()
  .optional()
  .describe(
    "Days this source's latest record may end before the period's end before it is labelled stale (default: the top-level staleAfterDays)",
  );
const sourceBase = {
  id: sourceId,
  path: relativePath,
  staleAfterDays: sourceStaleAfterDays,
};

/** Date formats a bank export may use; parsing is strict to the declared one. */
export const DATE_FORMATS = [
  "YYYY-MM-DD",
  "YYYY-MM-DD HH:mm:ss",
  "MM/DD/YYYY",
  "DD/MM/YYYY",
  "M/D/YYYY",
  "D/M/YYYY",
  "DD.MM.YYYY",
] as const;

const ledgerSourceSchema = z.strictObject({
  ...sourceBase,
  path: relativePath.describe("The CSV export file"),
  type: z.literal("ledger").describe("A bank, card or payment-processor CSV export"),
  entity: slug.describe("Entity whose money this export holds"),
  account: z
    .string()
    .min(1)
    .describe("The account this export belongs to, e.g. assets:bank:jada-checking"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default("USD")
    .describe(
      "Three-letter currency code of every row when the export has no currency column (amounts are never converted)",
    ),
  dateFormat: z
    .enum(DATE_FORMATS)
    .describe(
      "How the export writes dates; parsing is strict, so pick exactly the date column's format (e.g. MM/DD/YYYY for US banks)",
    ),
  sign: z
    .enum(["as-is", "inverted"])
    .default("as-is")
    .describe(
      "as-is: the export shows money in as positive; inverted: for card exports that show purchases as positive numbers",
    ),
  columns: ledgerColumnsSchema,
  ...csvOptions,
});

const handoffsSourceSchema = z.strictObject({
  ...sourceBase,
  path: relativePath.describe(
    "The folder of Markdown handoff notes (its *.md files, not subfolders); freshness is the latest note's `updated` date",
  ),
  type: z.literal("handoffs").describe("A folder of Markdown handoff notes with front matter"),
});
const registrySourceSchema = z.strictObject({
  ...sourceBase,
  path: relativePath.describe("The registry YAML file; freshness is its `asOf` date"),
  type: z
    .literal("registry")
    .describe("One YAML file of assets, revenue streams, people, systems and the like"),
});
const bookingsSourceSchema = z.strictObject({
  ...sourceBase,
  path: relativePath.describe("The bookings CSV file; freshness is the latest `booked_on` date"),
  type: z.literal("bookings").describe("One CSV of bookings and orders"),
  ...csvOptions,
});
const kpisSourceSchema = z.strictObject({
  ...sourceBase,
  path: relativePath.describe("The CSV of KPI observations (kpi,entity,period,value,unit)"),
  type: z.literal("kpis").describe("KPI observations, and optionally targets, as CSV"),
  targets: relativePath
    .optional()
    .describe("CSV of KPI targets with the same columns as observations"),
  ...csvOptions,
});

const gitSourceSchema = z.strictObject({
  id: sourceId,
  type: z.literal("git").describe("Local git repositories, read with the git CLI"),
  path: relativePath.describe("A repository folder, or a folder of repositories (one level down)"),
  entity: slug.describe("Entity the repositories belong to"),
  repos: z
    .record(z.string(), slug)
    .default({})
    .describe("Per-repository entity, by folder name, when they differ from `entity`"),
  history: z
    .boolean()
    .default(true)
    .describe("Scan every commit for credentials, not only the current tree"),
  staleAfterDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Accepted like every source's, but has no effect: repositories are read as they stand, so a git source is never stale",
    ),
});
const AWS_SERVICES = [
  "s3",
  "cloudfront",
  "lambda",
  "dynamodb",
  "logs",
  "ec2",
  "route53",
  "ce",
  "sts",
  "tagging",
] as const;

const awsSourceSchema = z
  .strictObject({
    id: sourceId,
    type: z.literal("aws").describe("An AWS account, from a snapshot folder or asked live"),
    mode: z
      .enum(["snapshot", "live"])
      .default("snapshot")
      .describe(
        "snapshot: a folder of AWS CLI JSON outputs (see docs/aws-snapshot.md); live: ask AWS with the standard credential chain",
      ),
    path: relativePath.optional().describe("The folder of AWS CLI outputs (snapshot mode only)"),
    entity: slug.optional().describe("Entity the account belongs to"),
    entityTag: z
      .string()
      .default("entity")
      .describe("Resource tag whose value names the entity of a resource or cost"),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "use a region code such as us-west-2")
      .optional()
      .describe("Live mode: the region of the account's regional resources (default: the SDK's)"),
    profile: z
      .string()
      .min(1)
      .optional()
      .describe("Live mode: a named profile of ~/.aws/config (default: the standard chain)"),
    costMonths: z
      .number()
      .int()
      .min(1)
      .max(14)
      .default(12)
      .describe("Live mode: months of Cost Explorer data, ending with the reported month"),
    endpoints: z
      .partialRecord(z.enum(AWS_SERVICES), z.url())
      .optional()
      .describe("Live mode: endpoint per service, for an emulator such as LocalStack"),
    staleAfterDays: sourceStaleAfterDays,
  })
  .superRefine((source, context) => {
    if (source.mode === "snapshot" && source.path === undefined)
      context.addIssue({
        code: "custom",
        path: ["path"],
        message: "a snapshot source needs `path`: the folder of AWS CLI outputs",
      });
    if (source.mode === "live" && source.path !== undefined)
      context.addIssue({
        code: "custom",
        path: ["path"],
        message:
          "a live source asks AWS and reads no folder: remove `path`, or set `mode: snapshot`",
      });
    const liveOnly = (["profile", "endpoints"] as const).filter((key) => source[key] !== undefined);
    if (source.mode === "snapshot" && liveOnly.length > 0)
      context.addIssue({
        code: "custom",
        path: [liveOnly[0] as string],
        message: `\`${liveOnly.join("`, `")}\` only applies to \`mode: live\``,
      });
  });

/** A folder of CSV files for one domain entity (see docs/domain-data.md). */
const domainFolderSource = <T extends string>(type: T, what: string) =>
  z.strictObject({
    id: sourceId,
    type: z.literal(type).describe(`A folder of ${what} records for one entity`),
    path: relativePath.describe(`The folder of ${what} CSV files`),
    entity: slug.describe("The entity the records belong to"),
    staleAfterDays: sourceStaleAfterDays,
  });
const rentalSourceSchema = domainFolderSource("rental", "rental property");
const deliveriesSourceSchema = domainFolderSource("deliveries", "yacht delivery");
const billingSourceSchema = domainFolderSource("billing", "client billing");

const sourceSchema = z.discriminatedUnion("type", [
  ledgerSourceSchema,
  handoffsSourceSchema,
  registrySourceSchema,
  bookingsSourceSchema,
  kpisSourceSchema,
  gitSourceSchema,
  awsSourceSchema,
  rentalSourceSchema,
  deliveriesSourceSchema,
  billingSourceSchema,
]);

const categoryRuleSchema = z.strictObject({
  match: z
    .string()
    .min(1)
    .describe("Case-insensitive regular expression tested against the description"),
  account: z
    .string()
    .regex(/^[a-z][a-z0-9-]*(:[a-z0-9-]+)+$/, "use a colon path such as expenses:vessel:fuel")
    .describe(
      "Account a matching transaction is booked to, as a colon path such as expenses:vessel:fuel",
    ),
  entity: slug.optional().describe("Only apply to this entity's transactions"),
});

const periodText = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "use a month such as 2027-03");

const analysisSchema = z
  .strictObject({
    trailingMonths: z
      .number()
      .int()
      .min(1)
      .max(24)
      .default(6)
      .describe("Months of history behind the burn rate and other trailing figures"),
    planningHorizon: periodText
      .optional()
      .describe("Last month revenue targets are planned to (default: six months after the period)"),
    breakEvenStream: slug
      .optional()
      .describe("Revenue stream whose unit is the break-even unit, e.g. a private charter"),
    variableCostAccounts: z
      .array(z.string().min(1))
      .default(["expenses:cost-of-sales"])
      .describe("Account prefixes that vary per unit sold; other expenses are fixed"),
    cloudCostAccount: z
      .string()
      .min(1)
      .default("expenses:software:cloud")
      .describe("Account prefix of cloud (AWS) spend"),
    thresholds: z
      .record(z.string(), z.number())
      .default({})
      .describe(
        "Rule thresholds keyed `<rule-id>.<name>` (e.g. `large-fuel-purchase.dollars`), in the rule's own unit, overriding its default",
      ),
  })
  .default({
    trailingMonths: 6,
    variableCostAccounts: ["expenses:cost-of-sales"],
    cloudCostAccount: "expenses:software:cloud",
    thresholds: {},
  })
  .describe("How the analysis computes trailing figures, break-even and cost splits");

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, "name an environment variable, e.g. SMTP_PASSWORD");
const tasksSchema = z
  .strictObject({
    minSeverity: z
      .enum(["critical", "high", "medium", "low"])
      .default("high")
      .describe("Findings at or above this severity become tasks after the gate passes"),
    webhook: z
      .strictObject({
        url: z
          .url("use the full URL of the endpoint, e.g. https://board.example.com/hooks/exec")
          .describe(
            "The https (or http) endpoint of your board that receives the POSTs; put any token in the path or query, not user:password",
          ),
        secretEnv: envName.describe(
          "Environment variable holding the HMAC-SHA256 signing secret (never the secret itself)",
        ),
        maxAttempts: z
          .number()
          .int()
          .min(1)
          .max(10)
          .default(5)
          .describe(
            "POSTs per task change, the first included; network errors, timeouts, 408, 425, 429 and 5xx are retried",
          ),
        baseDelayMs: firstRetryDelay(500),
        maxDelayMs: z
          .number()
          .int()
          .min(1)
          .default(30_000)
          .describe(
            "Milliseconds: the longest wait between two attempts, an endpoint's Retry-After included",
          ),
      })
      .optional()
      .describe("POST every task change as signed JSON to your own board"),
  })
  .prefault({})
  .describe("Follow-up tasks made from findings");

/** A string `check` accepts; its ScheduleExpressionError message becomes the problem. */
function scheduleString(check: (text: string) => unknown) {
  return z.string().superRefine((text, ctx) => {
    try {
      check(text);
    } catch (error) {
      if (!(error instanceof ScheduleExpressionError)) throw error;
      ctx.addIssue({ code: "custom", message: error.message });
    }
  });
}

/** A schedule expression AWS EventBridge Scheduler would accept, checked with its own rules. */
const scheduleExpression = scheduleString(parseScheduleExpression);
/** An IANA time zone this Node.js knows. */
const ianaTimeZone = scheduleString(checkTimeZone);

const scheduleSchema = z
  .strictObject({
    cron: scheduleExpression.describe(
      "When reports go out, as AWS EventBridge writes it: cron(Min Hour DayOfMonth Month DayOfWeek Year) or rate(N unit), e.g. cron(0 8 1 * ? *)",
    ),
    timezone: ianaTimeZone
      .optional()
      .describe("IANA time zone of the expression (default: the tenant's timezone)"),
    requireFresh: z
      .strictObject({
        withinDays: z
          .number()
          .int()
          .min(0)
          .default(14)
          .describe(
            "A source covers the period when its latest record is at most this many days before the period's end",
          ),
        retryEveryHours: z
          .number()
          .positive()
          .default(6)
          .describe("Hours between looks while a source does not cover the period"),
        deadlineDays: z
          .number()
          .positive()
          .default(5)
          .describe(
            "Days after the scheduled time to keep waiting (fractions allowed), then afterDeadline applies",
          ),
        afterDeadline: z
          .enum(["send-flagged", "alert-owner"])
          .default("send-flagged")
          .describe(
            "send-flagged: send with the stale sources flagged; alert-owner: send nothing and email the tenant's owner (the dashboard.fullAccess roles)",
          ),
      })
      .optional()
      .describe("Send only once every source covers the period (send when fresh)"),
  })
  .describe("The monthly run: each scheduled time reports on the month before it, once");

const tenantSchema = z.strictObject({
  id: slug.describe(
    "Short id of the tenant, used by --tenant and in archive keys, task ids and the state database; keep it once reports have gone out",
  ),
  name: z
    .string()
    .min(1)
    .describe("Display name of the tenant, shown in report headers, summaries and exports"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default("USD")
    .describe(
      "Three-letter code of the tenant's currency: AWS costs and Stripe exports in another are flagged, and journal exports name it (nothing is converted)",
    ),
  timezone: ianaTimeZone
    .default("UTC")
    .describe(
      "IANA time zone of the tenant, e.g. America/Los_Angeles: a schedule without its own timezone runs in it and reports on the month before its local date",
    ),
  entities: z
    .array(entitySchema)
    .min(1, "a tenant needs at least one entity")
    .describe(
      "The companies, properties, services and client portfolios the tenant's reports cover",
    ),
  roles: z
    .record(slug, roleSchema)
    .describe(
      "Who receives which report, by role id (any slug); a role whose id is a report's name, such as ceo or cfo, receives that report unless `report` says otherwise",
    ),
  sources: z
    .array(sourceSchema)
    .default([])
    .describe("The data the reports are made from: files, folders, repositories and AWS accounts"),
  categories: z
    .array(categoryRuleSchema)
    .default([])
    .describe(
      "Rules that book ledger transactions to accounts by their description; first match wins",
    ),
  analysis: analysisSchema,
  tasks: tasksSchema,
  dashboard: z
    .strictObject({
      fullAccess: z
        .array(slug)
        .default(["ceo"])
        .describe("Roles whose recipients see every role's reports and tasks of the tenant"),
    })
    .prefault({})
    .describe("Who sees what in `exec-intel serve`"),
  schedule: scheduleSchema
    .optional()
    .describe("This tenant's schedule, instead of the workspace's"),
});

const transportSchema = z
  .strictObject({
    driver: z
      .enum(["outbox", "smtp", "ses"])
      .default("outbox")
      .describe(
        "outbox: write each message as an .eml file under `<stateDir>/outbox` and send nothing (for trying things out); smtp: send through transport.smtp; ses: send through Amazon SES",
      ),
    from: recipientSchema
      .default({ name: "exec-intel", email: "reports@example.com" })
      .describe("Sender of report emails (for SES, a verified identity)"),
    replyTo: recipientSchema.optional().describe("Where replies to report emails go"),
    bccArchive: z
      .email("use a full email address")
      .optional()
      .describe("Every message is also sent to this address (not shown to recipients)"),
    smtp: z
      .strictObject({
        host: z.string().min(1).describe("Host name of the SMTP server, e.g. smtp.example.com"),
        port: z
          .number()
          .int()
          .positive()
          .default(587)
          .describe("Port of the SMTP server: 587 for STARTTLS, 465 with secure: true"),
        secure: z.boolean().default(false).describe("TLS from the start (port 465)"),
        requireTLS: z.boolean().default(true).describe("Refuse to send without STARTTLS"),
        rejectUnauthorized: z
          .boolean()
          .default(true)
          .describe(
            "Check the server's TLS certificate; set false only for a test server with a self-signed one",
          ),
        userEnv: envName.optional().describe("Environment variable holding the SMTP user"),
        passwordEnv: envName.optional().describe("Environment variable holding the SMTP password"),
      })
      .optional()
      .describe("The SMTP server, required with driver: smtp (no user: send without signing in)"),
    ses: z
      .strictObject({
        region: z
          .string()
          .optional()
          .describe(
            "AWS region whose SES sends, e.g. us-west-2 (default: AWS_REGION from the environment)",
          ),
        endpoint: z.url().optional().describe("For an SES emulator; default: AWS"),
        configurationSet: z
          .string()
          .optional()
          .describe(
            "SES configuration set named on every message, e.g. to publish delivery and bounce events",
          ),
      })
      .prefault({})
      .describe("Amazon SES, with driver: ses; credentials come from the standard AWS chain"),
    rate: z
      .number()
      .positive()
      .optional()
      .describe(
        "Messages per second, at most (default: SES's MaxSendRate; 10 for SMTP; 1000 for the outbox)",
      ),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .describe("Messages in flight at once; all share the rate limit"),
    retry: z
      .strictObject({
        maxAttempts: z
          .number()
          .int()
          .min(1)
          .max(20)
          .default(5)
          .describe(
            "Sends of one message per run, the first included; only transient errors are retried, and what is left unsent waits for the next run",
          ),
        baseDelayMs: firstRetryDelay(200),
        maxDelayMs: z
          .number()
          .int()
          .min(1)
          .default(20_000)
          .describe("Milliseconds: the longest wait between two attempts"),
      })
      .prefault({})
      .describe(
        "Retries of a send that failed transiently (throttling, 5xx, resets, timeouts), with exponential backoff",
      ),
    uncertain: z
      .enum(["resend", "hold"])
      .default("resend")
      .describe(
        "A message a crash left half-sent: resend it with the same Message-ID (the recipient may get it twice), or hold it unsent for a person to check",
      ),
  })
  .refine((t) => t.driver !== "smtp" || t.smtp !== undefined, {
    message: "the smtp driver needs transport.smtp: { host, port }",
    path: ["smtp"],
  })
  .prefault({})
  .describe("How report emails are sent: driver, sender, rate and retries");
const renderSchema = z
  .strictObject({
    pdf: z
      .enum(["auto", "off"])
      .default("auto")
      .describe(
        "auto: print a PDF of each report and attach it when Chromium is installed; off: never (smaller messages)",
      ),
    paper: z
      .enum(["A4", "Letter"])
      .default("A4")
      .describe("Paper size of the PDF; Letter for North American readers"),
  })
  .prefault({})
  .describe("The PDF printed beside each report's HTML, text and Markdown");
const s3ArchiveSchema = z.strictObject({
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "use the bucket's name, e.g. exec-reports")
    .describe("Name of the existing bucket the reports are archived to (not its ARN or URL)"),
  prefix: z
    .string()
    .regex(
      /^$|^[A-Za-z0-9._/-]*\/$/,
      "end the prefix with a slash, e.g. reports/ (or leave it out)",
    )
    .default("")
    .describe("Key prefix inside the bucket; keys are {prefix}{tenant}/{YYYY-MM-DD}/..."),
  region: z
    .string()
    .optional()
    .describe(
      "AWS region of the bucket, e.g. us-west-2 (default: the AWS chain: AWS_REGION, profile)",
    ),
  endpoint: z.url().optional().describe("For an S3-compatible store or emulator; default: AWS"),
  forcePathStyle: z
    .boolean()
    .default(false)
    .describe(
      "Address the bucket as `<endpoint>/<bucket>` instead of `<bucket>.<endpoint>`; true for MinIO and most emulators",
    ),
  serverSideEncryption: z
    .enum(["AES256", "aws:kms", "none"])
    .default("AES256")
    .describe("Server-side encryption asked for on every object"),
  kmsKeyId: z.string().optional().describe("With aws:kms: the key id or ARN (default: aws/s3)"),
});
const archiveSchema = z
  .strictObject({
    driver: z
      .enum(["fs", "s3"])
      .default("fs")
      .describe(
        "fs: a folder on this machine (archive.dir); s3: the bucket in archive.s3, for an archive that outlives the machine",
      ),
    dir: relativePath.optional().describe("fs: the archive folder (default: `<stateDir>/archive`)"),
    s3: s3ArchiveSchema
      .optional()
      .describe(
        "s3: the bucket, required with driver: s3; credentials come from the standard AWS chain",
      ),
  })
  .prefault({})
  .refine((archive) => archive.driver !== "s3" || archive.s3 !== undefined, {
    message: "the s3 archive needs its bucket: add archive.s3.bucket",
    path: ["s3"],
  })
  .describe("Where every gated report is archived, write-once, before it is sent");
const logSchema = z
  .strictObject({
    dir: relativePath
      .optional()
      .describe("Folder for the JSON-lines audit log (default: `<stateDir>/logs`)"),
    level: z
      .enum(["debug", "info", "warn", "error"])
      .default("info")
      .describe("Lowest level written to the audit log; debug when tracking down a problem"),
    metrics: z
      .boolean()
      .default(false)
      .describe(
        "Also write CloudWatch Embedded Metric Format lines (reports, sent, failed, duration)",
      ),
    namespace: z
      .string()
      .min(1)
      .default("ExecIntel")
      .describe(
        "CloudWatch namespace of the metrics (with metrics: true); change it to keep deployments apart",
      ),
  })
  .prefault({})
  .describe("The audit log of each run: one JSON object per line, one {runId}.jsonl file per run");
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

const gateIdSchema = z.enum(GATE_IDS);
const validationSchema = z
  .strictObject({
    downgrade: z
      .array(gateIdSchema)
      .default([])
      .describe("Gates whose problems only warn; every run's summary lists them"),
    allowSecrets: z
      .array(
        z
          .strictObject({
            fingerprint: z
              .string()
              .regex(/^sha256:[0-9a-f]{8}$/, "use the sha256:xxxxxxxx fingerprint the gate printed")
              .optional()
              .describe(
                "The fingerprint the credentials gate printed for this credential, e.g. sha256:3f9a1c2e",
              ),
            pattern: z
              .string()
              .refine(compiles, "not a valid regular expression")
              .optional()
              .describe(
                "Case-sensitive regular expression: a credential whose value it matches anywhere is allowed",
              ),
            reason: z
              .string()
              .min(1, "say why this credential may appear")
              .describe(
                "Why this credential may appear, e.g. a provider's published test key, for whoever reviews the config",
              ),
          })
          .refine((a) => a.fingerprint !== undefined || a.pattern !== undefined, {
            message: "give a fingerprint or a pattern",
          }),
      )
      .default([])
      .describe(
        "Credentials that may appear in reports (e.g. published test keys), each by fingerprint or pattern",
      ),
    freshness: z
      .strictObject({
        blockAfterDays: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(
            "Days: a source whose data ends more than this before the period's end, or that is empty, blocks delivery (default: stale sources only warn)",
          ),
        sources: z
          .record(z.string(), z.number().int().positive())
          .default({})
          .describe(
            "Days, by source id: that source's own blockAfterDays, which applies even when blockAfterDays is unset",
          ),
      })
      .prefault({})
      .describe(
        "When a stale source blocks delivery instead of only being labelled in the reports",
      ),
    limits: z
      .strictObject({
        htmlBytes: z
          .number()
          .int()
          .positive()
          .default(102 * 1024)
          .describe(
            "Bytes of a report's HTML above which it is blocked, 102 KB by default (where Gmail clips a message); raise it only if no reader uses Gmail",
          ),
        messageBytes: z
          .number()
          .int()
          .positive()
          .default(40 * 1024 * 1024)
          .describe(
            "Bytes of a whole message, charts and PDF included, above which it is blocked, 40 MB by default (SES's limit); lower it for a stricter SMTP server",
          ),
        subjectChars: z
          .number()
          .int()
          .positive()
          .default(998)
          .describe("Characters a subject may have, 998 by default (the RFC 5322 line limit)"),
        recipients: z
          .number()
          .int()
          .positive()
          .default(50)
          .describe(
            "Recipients one message may have, 50 by default (SES's limit); each recipient gets a message of their own, so this is only a safeguard",
          ),
      })
      .prefault({})
      .describe("Sizes past which mail clients or transports mangle or refuse a message"),
  })
  // prefault: the inner defaults fill an absent section, so each default is written once.
  .prefault({})
  .describe(
    "The gate every batch passes before it is written, archived or sent: a problem blocks the batch",
  );

const feedbackSchema = z
  .strictObject({
    secretEnv: envName.describe(
      "Environment variable holding the secret that signs the token in each report's Reply-To",
    ),
  })
  .optional()
  .describe(
    "Replies to reports become notes: each message's Reply-To is transport.replyTo plus a signed token",
  );

/** The whole `exec-intel.yaml`: one schema for validation and for the editor JSON Schema. */
export const configSchema = z
  .strictObject({
    version: z.literal(1).describe("Config format version; always 1"),
    stateDir: relativePath
      .default(".exec-intel")
      .describe(
        "Folder, relative to the workspace, of the state database (deliveries, tasks, runs), the outbox, previews and the default archive and logs; move it only with its contents",
      ),
    staleAfterDays: z
      .number()
      .int()
      .positive()
      .default(45)
      .describe("A source older than this at period end is stale"),
    tenants: z
      .array(tenantSchema)
      .min(1, "declare at least one tenant")
      .describe(
        "The businesses or owners reported on, each with its own entities, roles, sources and reports",
      ),
    transport: transportSchema,
    render: renderSchema,
    validation: validationSchema,
    archive: archiveSchema,
    log: logSchema,
    schedule: scheduleSchema
      .optional()
      .describe("The schedule of every tenant without its own (exec-intel schedule)"),
    feedback: feedbackSchema,
  })
  .refine((c) => c.feedback === undefined || c.transport.replyTo !== undefined, {
    message: "feedback needs transport.replyTo: the address replies come back to",
    path: ["feedback"],
  });

/** Validated workspace configuration. */
export type Config = z.output<typeof configSchema>;
/** One tenant of the workspace. */
export type TenantConfig = Config["tenants"][number];
/** One configured data source. */
export type SourceConfig = TenantConfig["sources"][number];
/** A ledger export's mapping and conventions. */
export type LedgerSourceConfig = z.output<typeof ledgerSourceSchema>;
/** A categorisation rule. */
export type CategoryRule = z.output<typeof categoryRuleSchema>;
/** An entity as configured. */
export type EntityConfig = TenantConfig["entities"][number];
/** A strict date format name. */
export type DateFormat = (typeof DATE_FORMATS)[number];

/**
 * Validates parsed YAML as a config; returns the typed config or every problem at once,
 * including cross-field ones (duplicate ids, unknown entities, bad regexes).
 */
export function validateConfig(
  value: unknown,
  yaml: LocatedYaml,
): { config: Config; problems: [] } | { config: undefined; problems: Problem[] } {
  const parsed = configSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    return {
      config: undefined,
      problems: sortProblems(
        parsed.error.issues.map((i) => zodIssueToProblem(i, yaml, CONFIG_HINT)),
      ),
    };
  }
  const problems = checkReferences(parsed.data, yaml);
  return problems.length > 0
    ? { config: undefined, problems: sortProblems(problems) }
    : { config: parsed.data, problems: [] };
}

function checkReferences(config: Config, yaml: LocatedYaml): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], message: string, hint: string): void => {
    problems.push(problemAt(yaml, path, message, hint));
  };
  const unique = (
    values: readonly string[],
    path: (i: number) => PropertyKey[],
    what: string,
  ): void => {
    for (const i of findDuplicates(values))
      at(
        path(i),
        `duplicate ${what} "${values[i]}"`,
        `give every ${what.replace(/ id$/, "")} its own id`,
      );
  };

  unique(
    config.tenants.map((t) => t.id),
    (i) => ["tenants", i, "id"],
    "tenant id",
  );
  config.tenants.forEach((tenant, t) => {
    const base = ["tenants", t];
    unique(
      tenant.entities.map((e) => e.id),
      (i) => [...base, "entities", i, "id"],
      "entity id",
    );
    unique(
      tenant.sources.map((s) => s.id),
      (i) => [...base, "sources", i, "id"],
      "source id",
    );
    const names = tenant.entities.flatMap((e) =>
      [e.name, ...e.aliases].map((n) => n.toLowerCase()),
    );
    for (const i of findDuplicates(names)) {
      at(
        [...base, "entities"],
        `entity name or alias "${names[i]}" is used twice`,
        "names and aliases must identify one entity",
      );
    }
    const entityIds = new Set(tenant.entities.map((e) => e.id));
    const known = [...entityIds].join(", ");
    for (const [id, role] of Object.entries(tenant.roles)) {
      const problem = roleProblem(id, role, tenant.entities);
      if (problem !== undefined)
        at([...base, "roles", id, problem.key], problem.message, problem.fix);
    }
    tenant.sources.forEach((source, s) => {
      const domain = ["rental", "deliveries", "billing"].includes(source.type);
      if (
        (source.type === "ledger" || domain) &&
        "entity" in source &&
        source.entity !== undefined &&
        !entityIds.has(source.entity)
      ) {
        at(
          [...base, "sources", s, "entity"],
          `unknown entity "${source.entity}"`,
          `use one of: ${known}`,
        );
      }
    });
    tenant.categories.forEach((rule, r) => {
      if (rule.entity !== undefined && !entityIds.has(rule.entity)) {
        at(
          [...base, "categories", r, "entity"],
          `unknown entity "${rule.entity}"`,
          `use one of: ${known}`,
        );
      }
      const invalid = regexError(rule.match);
      if (invalid !== undefined) at([...base, "categories", r, "match"], invalid, REGEX_HINT);
    });
  });
  return problems;
}

/** The report kind a role receives: its `report`, else its id when that names a report. */
export function reportKindOf(
  roleId: string,
  role: { report?: ReportKind },
): ReportKind | undefined {
  return (
    role.report ??
    ((REPORT_KINDS as readonly string[]).find((kind) => kind === roleId) as ReportKind | undefined)
  );
}

/** The entity a domain report covers: the role's, else the tenant's only entity of its kind. */
export function domainEntityOf(
  kind: ReportKind,
  role: { entity?: string },
  entities: readonly { id: string; kind: string }[],
): string | undefined {
  const entityKind = DOMAIN_ENTITY_KINDS[kind];
  if (entityKind === undefined) return undefined;
  if (role.entity !== undefined) return role.entity;
  const candidates = entities.filter((e) => e.kind === entityKind);
  return candidates.length === 1 ? candidates[0]?.id : undefined;
}

function roleProblem(
  id: string,
  role: { report?: ReportKind; entity?: string },
  entities: readonly { id: string; kind: string }[],
): { key: string; message: string; fix: string } | undefined {
  const kind = reportKindOf(id, role);
  if (kind === undefined)
    return {
      key: "report",
      message: `role "${id}" names no report`,
      fix: `add \`report:\` with one of: ${REPORT_KINDS.join(", ")}`,
    };
  const entityKind = DOMAIN_ENTITY_KINDS[kind];
  if (entityKind === undefined) {
    return role.entity === undefined
      ? undefined
      : {
          key: "entity",
          message: `the ${kind} report covers every entity`,
          fix: "remove `entity`",
        };
  }
  const ofKind = entities.filter((e) => e.kind === entityKind);
  if (role.entity !== undefined) {
    const entity = entities.find((e) => e.id === role.entity);
    if (entity === undefined)
      return {
        key: "entity",
        message: `unknown entity "${role.entity}"`,
        fix: `use one of: ${ofKind.map((e) => e.id).join(", ") || entities.map((e) => e.id).join(", ")}`,
      };
    return entity.kind === entityKind
      ? undefined
      : {
          key: "entity",
          message: `the ${kind} report covers an entity of kind ${entityKind}; "${entity.id}" is ${entity.kind}`,
          fix: `use one of: ${ofKind.map((e) => e.id).join(", ") || `(none: add an entity of kind ${entityKind})`}`,
        };
  }
  if (ofKind.length === 1) return undefined;
  return {
    key: "report",
    message:
      ofKind.length === 0
        ? `the ${kind} report needs an entity of kind ${entityKind}, and the tenant has none`
        : `the ${kind} report needs to know which of ${ofKind.map((e) => e.id).join(", ")} it covers`,
    fix:
      ofKind.length === 0
        ? `add an entity with \`kind: ${entityKind}\``
        : "add `entity:` to the role",
  };
}

/** Hint for a pattern that does not compile. */
export const REGEX_HINT = "escape special characters such as ( ) [ ] with a backslash";

/** The reason a case-insensitive pattern does not compile, or undefined when it does. */
export function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "i");
    return undefined;
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
}

/** Indexes of values that already appeared earlier in the list. */
export function findDuplicates<T>(values: readonly T[]): number[] {
  const seen = new Set<T>();
  const repeats: number[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) repeats.push(index);
    seen.add(value);
  });
  return repeats;
}

/** The tenants a command covers: all, or the one `--tenant` names (InputError if none has it). */
export function selectTenants(config: Config, tenant: string | undefined): TenantConfig[] {
  const tenants =
    tenant === undefined ? config.tenants : config.tenants.filter((t) => t.id === tenant);
  if (tenants.length === 0) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `no tenant "${tenant}" in the config`,
        `use one of: ${config.tenants.map((t) => t.id).join(", ")}`,
      ),
    ]);
  }
  return tenants;
}
