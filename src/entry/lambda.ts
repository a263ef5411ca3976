import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { EventBridgeEvent, SESEvent, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { DynamoStateStores } from "../adapters/store/dynamodb/index.js";
import type { Config, TenantConfig } from "../core/config.js";
import type { MailEvent, MailEventKind } from "../core/deliver/ports.js";
import { formatProblem, InputError } from "../core/errors.js";
import { claimable } from "../core/schedule/claims.js";
import { parseScheduleExpression } from "../core/schedule/cron.js";
import {
  type DueRun,
  dueRun,
  periodBefore,
  type TenantSchedule,
  tenantSchedules,
} from "../core/schedule/due.js";
import type { ScheduledOutcome } from "../schedule.js";
import type { InboxOutcome } from "./inbox.js";

// exec-intel on AWS Lambda: four handlers over the stack in infra/ (one bucket with workspace/,
// archive/ and inbound/, one DynamoDB table, one SQS work queue, SES). Each composes adapters
// from the function's environment; SDK clients are built on first use and kept for the life of
// the container. The pipeline itself is the CLI's: the worker copies the workspace into /tmp and
// runs `runScheduledPeriod` on it with the DynamoDB stores.
//
// What the deployment decides, whatever the workspace's exec-intel.yaml says (the worker
// rewrites its /tmp copy before the run, so the file on S3 stays the owner's):
//  - archive: S3, the deployment's bucket under EXEC_INTEL_ARCHIVE_PREFIX (create-only writes);
//  - transport: SES through EXEC_INTEL_SES_CONFIGURATION_SET; an address in EXEC_INTEL_FROM
//    becomes the sender (display name kept), a domain must hold the workspace's sender;
//  - render.pdf: off (Lambda has no Chromium; HTML, text, Markdown, JSON and charts remain).
// Everything else (tenants, roles, replyTo, bccArchive, rate, retries, feedback) is the
// workspace's. The workspace's .env values that are secret (feedback.secretEnv's, source
// credentials) come from the WorkspaceSecrets secret (EXEC_INTEL_SECRETS_ARN), read once per
// container and passed to the pipeline as environment.
// Not available here: git sources (they need git and a local cache database; `scheduled` skips
// such a tenant, `worker` refuses its job) and workspace rules, rules/*.ts (compiled by tsx at
// run time; `worker` refuses every job of such a workspace rather than report without them).
// AWS_ENDPOINT_URL_S3/_SQS/_DYNAMODB/_SESV2 point the clients at emulators (tests); unset on AWS.

type Env = Readonly<Record<string, string | undefined>>;

// Replaced by scripts/bundle-lambda.mjs with the package version; from source, package.json is read.
declare const EXEC_INTEL_TOOL_VERSION: string | undefined;

const CONFIG_FILE = "exec-intel.yaml";

/** The deployment, as the stack describes it to every function through its environment. */
export interface Deployment {
  table: string;
  bucket: string;
  workspacePrefix: string;
  archivePrefix: string;
  inboundPrefix: string;
  /** The verified SES identity: an address, or a domain. */
  from?: string;
  configurationSet?: string;
  /** `scheduled` only. */
  queueUrl?: string;
  region?: string;
  /** Emulator endpoints (`AWS_ENDPOINT_URL_<SERVICE>`); unset on AWS. */
  endpoints: { s3?: string; sqs?: string; dynamodb?: string; sesv2?: string };
}

/** Reads the deployment from the function's environment; throws naming every variable missing. */
export function readDeployment(env: Env, options: { queue?: boolean } = {}): Deployment {
  const value = (name: string) => (env[name] === "" ? undefined : env[name]);
  const missing = ["EXEC_INTEL_TABLE", "EXEC_INTEL_BUCKET"]
    .concat(options.queue === true ? ["EXEC_INTEL_QUEUE_URL"] : [])
    .filter((name) => value(name) === undefined);
  if (missing.length > 0)
    throw new Error(
      `exec-intel lambda: ${missing.join(", ")} not set; the stack in infra/ sets them on every function`,
    );
  const prefix = (name: string, fallback: string) => {
    const given = value(name) ?? fallback;
    if (given !== "" && !given.endsWith("/"))
      throw new Error(`exec-intel lambda: ${name} must end with "/" (got ${given})`);
    return given;
  };
  const optional = <K extends string>(key: K, name: string) => {
    const given = value(name);
    return given === undefined ? {} : ({ [key]: given } as Record<K, string>);
  };
  return {
    table: value("EXEC_INTEL_TABLE") as string,
    bucket: value("EXEC_INTEL_BUCKET") as string,
    workspacePrefix: prefix("EXEC_INTEL_WORKSPACE_PREFIX", "workspace/"),
    archivePrefix: prefix("EXEC_INTEL_ARCHIVE_PREFIX", "archive/"),
    inboundPrefix: prefix("EXEC_INTEL_INBOUND_PREFIX", "inbound/"),
    ...optional("from", "EXEC_INTEL_FROM"),
    ...optional("configurationSet", "EXEC_INTEL_SES_CONFIGURATION_SET"),
    ...optional("queueUrl", "EXEC_INTEL_QUEUE_URL"),
    ...optional("region", "AWS_REGION"),
    endpoints: {
      ...optional("s3", "AWS_ENDPOINT_URL_S3"),
      ...optional("sqs", "AWS_ENDPOINT_URL_SQS"),
      ...optional("dynamodb", "AWS_ENDPOINT_URL_DYNAMODB"),
      ...optional("sesv2", "AWS_ENDPOINT_URL_SESV2"),
    },
  };
}

/** What EventBridge Scheduler sends `scheduled` (see infra/lib/exec-intel-stack.ts). */
export interface ScheduledEvent {
  source?: string;
  /** The slot's time (ISO): the period comes from it, not the clock, so a retry reports the same month. */
  scheduledTime: string;
}

/** One job on the work queue: one tenant's period, due since `slot`. */
export interface WorkJob {
  tenant: string;
  period: string;
  /** ISO time of the fire time that made the period due. */
  slot: string;
}

/** What `scheduled` did: the jobs it queued and the tenants it passed over, with why. */
export interface ScheduledResult {
  enqueued: WorkJob[];
  skipped: { tenant: string; period?: string; reason: string }[];
}

/** The fields of an SES event (the EventBridge `detail`) read here; headers and content never are. */
export interface SesEventDetail {
  eventType?: string;
  mail?: { messageId?: string; timestamp?: string };
  delivery?: { timestamp?: string; smtpResponse?: string };
  bounce?: {
    bounceType?: string;
    bounceSubType?: string;
    timestamp?: string;
    bouncedRecipients?: { emailAddress?: string; status?: string; diagnosticCode?: string }[];
  };
  complaint?: {
    complaintFeedbackType?: string;
    timestamp?: string;
    complainedRecipients?: { emailAddress?: string }[];
  };
  reject?: { reason?: string };
  deliveryDelay?: {
    delayType?: string;
    timestamp?: string;
    delayedRecipients?: { emailAddress?: string; status?: string; diagnosticCode?: string }[];
  };
}

/** What `sesEvents` made of one event. */
export type SesEventResult =
  | { status: "recorded"; kind: MailEventKind; tenant: string; period: string; report: string }
  | { status: "ignored"; reason: string };

/** The four handlers the bundle exports. */
export interface LambdaHandlers {
  /** Monthly (or more often): queues one job per tenant whose period is due and not settled. */
  scheduled(event: ScheduledEvent): Promise<ScheduledResult>;
  /** One job per record; records that threw come back as batch item failures (SQS retries them). */
  worker(event: SQSEvent, context: { awsRequestId: string }): Promise<SQSBatchResponse>;
  /** Records an SES sending event on the ledger row sent under its message id. */
  sesEvents(event: EventBridgeEvent<string, SesEventDetail>): Promise<SesEventResult>;
  /** Attaches replies SES stored under the inbound prefix as notes, as `exec-intel inbox` does. */
  inbound(event: SESEvent): Promise<{ outcomes: InboxOutcome[] }>;
}

/** How the handlers are built: the real ones take the process's environment and clock. */
export interface LambdaOptions {
  env?: Env;
  now?: () => Date;
  /** One line per event worth knowing in CloudWatch; never message bodies or credentials. */
  log?: (line: string) => void;
}

/** Builds the handlers; clients and stores are made on first use and reused after. */
export function createLambdaHandlers(options: LambdaOptions = {}): LambdaHandlers {
  const env = options.env ?? process.env;
  const aws = lazyAws(env);
  // Read per invocation, like every other setting here; the workspace's secrets join it (they
  // are what its .env holds locally), without the role's keys.
  const runEnv = async () => withoutAwsKeys({ ...(await aws.secrets()), ...env });
  const now = options.now ?? (() => new Date());
  const write = options.log ?? ((line: string) => console.log(line));
  const log = (handler: string, message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ handler, message, ...fields }));

  return {
    async scheduled(event) {
      const at = instant(event.scheduledTime, "scheduledTime");
      const deployment = readDeployment(env, { queue: true });
      const config = await loadS3Config(deployment, await aws.s3(), await runEnv());
      const store = (await aws.stores()).schedule;
      const schedules = new Map(tenantSchedules(config).map((s) => [s.tenant, s]));
      const result: ScheduledResult = { enqueued: [], skipped: [] };
      for (const tenant of config.tenants) {
        const unsupported = unsupportedOnLambda(tenant);
        if (unsupported !== undefined) {
          result.skipped.push({ tenant: tenant.id, reason: unsupported });
          continue;
        }
        const due = await dueFor(tenant, schedules.get(tenant.id), at, store);
        if (due === undefined) {
          result.skipped.push({ tenant: tenant.id, reason: "no slot due since first seen" });
          continue;
        }
        const existing = await store.find(tenant.id, due.period);
        if (existing !== undefined && !claimable(existing, at.toISOString())) {
          const reason =
            existing.state === "waiting"
              ? `waiting until ${existing.nextAttemptAt}`
              : `${existing.state}: ${existing.detail}`;
          result.skipped.push({ tenant: tenant.id, period: due.period, reason });
          continue;
        }
        const job: WorkJob = {
          tenant: tenant.id,
          period: due.period,
          slot: due.slot.toISOString(),
        };
        await aws.enqueue(deployment.queueUrl as string, job);
        result.enqueued.push(job);
      }
      log("scheduled", `queued ${result.enqueued.length} job(s)`, { ...result });
      return result;
    },

    async worker(event, context) {
      const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
      for (const record of event.Records) {
        try {
          const outcome = await runJob(parseJob(record.body), `lambda:${context.awsRequestId}`);
          log("worker", outcome.detail, { messageId: record.messageId, ...outcome });
        } catch (error) {
          log("worker", `job failed: ${describeError(error)}`, { messageId: record.messageId });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    },

    async sesEvents(event) {
      const mailEvent = mailEventOf(event.detail, event.time);
      if (mailEvent === undefined) {
        const reason = `not recorded: ${event.detail?.eventType ?? "no eventType"}`;
        log("sesEvents", reason);
        return { status: "ignored", reason };
      }
      const row = await (await aws.stores()).ledger.recordMailEvent(mailEvent);
      if (row === undefined) {
        // Mail sent by something else through the same configuration set, or a row since reset.
        const reason = `no delivery was sent as ${mailEvent.providerMessageId}`;
        log("sesEvents", reason, { kind: mailEvent.kind });
        return { status: "ignored", reason };
      }
      log("sesEvents", `${mailEvent.kind}: ${row.tenant}/${row.period}/${row.report}`);
      return {
        status: "recorded",
        kind: mailEvent.kind,
        tenant: row.tenant,
        period: row.period,
        report: row.report,
      };
    },

    async inbound(event) {
      const deployment = readDeployment(env);
      const s3 = await aws.s3();
      const outcomes: InboxOutcome[] = [];
      const messages: { name: string; raw: Buffer }[] = [];
      for (const record of event.Records) {
        const { mail, receipt } = record.ses;
        const name = `${deployment.inboundPrefix}${safeMessageId(mail.messageId)}`;
        // SES scanned it on receipt (the rule has scanEnabled): neither verdict is worth a note.
        if (receipt.virusVerdict?.status === "FAIL") {
          outcomes.push({ file: name, status: "rejected", reason: "SES found a virus in it" });
          continue;
        }
        if (receipt.dmarcVerdict?.status === "FAIL") {
          outcomes.push({ file: name, status: "rejected", reason: "its sender failed DMARC" });
          continue;
        }
        messages.push({ name, raw: await readObject(s3, deployment.bucket, name) });
      }
      if (messages.length > 0) {
        const config = await loadS3Config(deployment, s3, await runEnv());
        const { attachReplies, replySecret } = await import("./inbox.js");
        const secret = await withConfigContext(deployment, async () =>
          replySecret(config, await runEnv()),
        );
        const stores = await aws.stores();
        // One Query per tenant: the table grants no Scan.
        const rows = (
          await Promise.all(config.tenants.map((t) => stores.ledger.rows({ tenant: t.id })))
        ).flat();
        outcomes.push(
          ...(await attachReplies(
            { secret, rows, annotations: stores.annotations },
            messages,
            now,
          )),
        );
      }
      for (const outcome of outcomes) {
        log(
          "inbound",
          outcome.status === "attached"
            ? `attached to ${outcome.report}${outcome.section !== undefined ? `#${outcome.section}` : ""} (note ${outcome.id})`
            : `rejected: ${outcome.reason}`,
          { object: outcome.file },
        );
      }
      return { outcomes };
    },
  };

  /** Downloads the workspace, applies the deployment and runs the job's period. */
  async function runJob(job: WorkJob, owner: string): Promise<ScheduledOutcome> {
    const deployment = readDeployment(env);
    const dir = await mkdtemp(path.join(tmpdir(), "exec-intel-"));
    try {
      const { downloadWorkspace } = await import("../adapters/workspace/s3-workspace.js");
      const s3 = await aws.s3();
      // Only the config and this tenant's sources: an agency's workspace holds every tenant's
      // data, far more than one job needs or /tmp holds.
      const owners = await loadS3Config(deployment, s3, await runEnv());
      const copied = await downloadWorkspace({
        client: s3,
        bucket: deployment.bucket,
        prefix: deployment.workspacePrefix,
        into: dir,
        include: filesOfTenant(owners, job.tenant),
      });
      if (!copied.files.includes(CONFIG_FILE)) throw noWorkspace(deployment);
      const workEnv = await runEnv();
      await refuseWorkspaceRules(dir);
      const config = await withConfigContext(deployment, () =>
        applyDeployment(dir, deployment, workEnv),
      );
      const tenant = config.tenants.find((t) => t.id === job.tenant);
      if (tenant === undefined) {
        // Removed from the config since the job was queued: nothing to run, nothing to retry.
        return {
          tenant: job.tenant,
          period: job.period,
          result: "held",
          detail: "the tenant is no longer in exec-intel.yaml; nothing run",
        };
      }
      const unsupported = unsupportedOnLambda(tenant);
      if (unsupported !== undefined) throw new Error(`${tenant.id}: ${unsupported}`);
      const slot = instant(job.slot, "slot");
      const schedule =
        tenantSchedules(config).find((s) => s.tenant === tenant.id) ??
        deploymentSchedule(tenant.id, slot);
      const due: DueRun = { tenant: tenant.id, slot, period: job.period };
      const stores = await aws.stores();
      const { runScheduledPeriod } = await import("../schedule.js");
      return await runScheduledPeriod({
        workspace: dir,
        env: workEnv,
        now,
        toolVersion: await toolVersion(),
        schedule,
        due,
        owner,
        scheduleStore: stores.schedule,
        stores: {
          ledger: stores.ledger,
          history: stores.history,
          followUp: stores.followUp,
          annotations: stores.annotations,
        },
        log: (line) => log("worker", line, { tenant: job.tenant, period: job.period }),
        // The run's audit log (JSON lines) goes to CloudWatch: /tmp goes with the container.
        echoLog: (line) => write(line.trimEnd()),
      });
    } finally {
      // /tmp outlives the invocation in a warm container.
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/**
 * The workspace files a job of `tenant` reads: exec-intel.yaml, .env, workspace rules (so the
 * worker can refuse them) and everything under the tenant's source paths.
 */
export function filesOfTenant(config: Config, tenant: string): (relative: string) => boolean {
  const roots = (config.tenants.find((t) => t.id === tenant)?.sources ?? []).flatMap((source) =>
    "path" in source && typeof source.path === "string"
      ? [path.posix.normalize(source.path).replace(/^\.\/|\/$/g, "")]
      : [],
  );
  return (relative) =>
    relative === CONFIG_FILE ||
    relative === ".env" ||
    relative.startsWith("rules/") ||
    roots.some((root) => relative === root || relative.startsWith(`${root}/`));
}

/** The SDK clients and stores of one container, each made on first use. */
function lazyAws(env: Env) {
  let s3: Promise<S3Client> | undefined;
  let sqs: Promise<{ client: SQSClient; sdk: typeof import("@aws-sdk/client-sqs") }> | undefined;
  let stores: Promise<DynamoStateStores> | undefined;
  // Region from AWS_REGION (always set on Lambda); credentials from the SDK's chain (the role).
  const settings = (endpoint: string | undefined) => {
    const { region } = readDeployment(env);
    return {
      ...(region !== undefined ? { region } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
    };
  };
  let secrets: Promise<Record<string, string>> | undefined;
  return {
    /** The workspace's secrets (EXEC_INTEL_SECRETS_ARN), read once per container. */
    secrets: () => {
      const arn = env.EXEC_INTEL_SECRETS_ARN;
      if (arn === undefined || arn === "") return Promise.resolve({});
      secrets ??= Promise.all([
        import("@aws-sdk/client-secrets-manager"),
        import("../adapters/secrets/workspace-secrets.js"),
      ]).then(([sdk, { readWorkspaceSecrets }]) =>
        readWorkspaceSecrets(
          new sdk.SecretsManagerClient(settings(env.AWS_ENDPOINT_URL_SECRETS_MANAGER)),
          arn,
        ),
      );
      // A failed read is not cached: the next invocation tries again.
      secrets.catch(() => {
        secrets = undefined;
      });
      return secrets;
    },
    s3: () => {
      s3 ??= import("@aws-sdk/client-s3").then((sdk) => {
        const endpoint = readDeployment(env).endpoints.s3;
        // Emulators answer path-style only; AWS takes either.
        return new sdk.S3Client({
          ...settings(endpoint),
          ...(endpoint !== undefined ? { forcePathStyle: true } : {}),
        });
      });
      return s3;
    },
    stores: () => {
      stores ??= import("../adapters/store/dynamodb/index.js").then((dynamo) => {
        const deployment = readDeployment(env);
        const client = dynamo.createDynamoClient(settings(deployment.endpoints.dynamodb));
        return dynamo.openDynamoStateStores({ client, table: deployment.table });
      });
      return stores;
    },
    async enqueue(queueUrl: string, job: WorkJob) {
      sqs ??= import("@aws-sdk/client-sqs").then((sdk) => ({
        sdk,
        client: new sdk.SQSClient(settings(readDeployment(env).endpoints.sqs)),
      }));
      const { client, sdk } = await sqs;
      // A standard queue: a duplicate message is harmless, the schedule store's claim decides.
      await client.send(
        new sdk.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(job) }),
      );
    },
  };
}

/**
 * The environment the pipeline sees: the function's, without the role's keys. The workspace
 * config's `${VAR}`s are resolved from it, so a config could otherwise quote them into a report;
 * the SDK clients find them through their own credential chain.
 */
function withoutAwsKeys(env: Env): Env {
  const {
    AWS_ACCESS_KEY_ID: _key,
    AWS_SECRET_ACCESS_KEY: _secret,
    AWS_SESSION_TOKEN: _token,
    ...rest
  } = env;
  return rest;
}

/**
 * The period due for a tenant at `at`: by its schedule (its own or the workspace's) when it has
 * one, counted from when the scheduler first saw it; else the deployment's schedule is the
 * tenant's, and its invocation time is the slot.
 */
async function dueFor(
  tenant: TenantConfig,
  schedule: TenantSchedule | undefined,
  at: Date,
  store: DynamoStateStores["schedule"],
): Promise<DueRun | undefined> {
  if (schedule === undefined)
    return { tenant: tenant.id, slot: at, period: periodBefore(at, tenant.timezone) };
  const since = new Date(await store.since(tenant.id, at.toISOString()));
  return dueRun(schedule, at, since);
}

/** The schedule of a tenant that has none of its own: the deployment's, firing at `slot`. */
function deploymentSchedule(tenant: string, slot: Date): TenantSchedule {
  const source = `cron(${slot.getUTCMinutes()} ${slot.getUTCHours()} ${slot.getUTCDate()} ${slot.getUTCMonth() + 1} ? ${slot.getUTCFullYear()})`;
  return { tenant, source, expression: parseScheduleExpression(source), timeZone: "UTC" };
}

/** Why a tenant cannot run on Lambda, or undefined when it can. */
function unsupportedOnLambda(tenant: TenantConfig): string | undefined {
  const git = tenant.sources.filter((s) => s.type === "git").map((s) => s.id);
  if (git.length === 0) return undefined;
  return `git sources (${git.join(", ")}) need git and a local cache database, which Lambda has not; run this tenant with the CLI or drop the source`;
}

/** Workspace rules are TypeScript compiled by tsx at run time, which the bundle does not carry. */
async function refuseWorkspaceRules(dir: string): Promise<void> {
  const { RULES_FOLDER } = await import("../adapters/rules/workspace-rules.js");
  const names = await readdir(path.join(dir, RULES_FOLDER)).catch(() => [] as string[]);
  if (names.some((n) => n.endsWith(".ts")))
    throw new Error(
      `the workspace has ${RULES_FOLDER}/*.ts; custom rules are not available on Lambda (no TypeScript compiler in the bundle): remove them from the S3 workspace or run with the CLI`,
    );
}

/**
 * Points the downloaded workspace at the deployment (see the top of this file), then loads the
 * config as the run will. The owner's config is validated first, so its mistakes are reported
 * against the file they wrote.
 */
async function applyDeployment(dir: string, deployment: Deployment, env: Env): Promise<Config> {
  const { loadWorkspaceConfig } = await import("../adapters/workspace/config-file.js");
  const owners = await loadWorkspaceConfig(dir, env);
  const sender = deploymentSender(owners.transport.from.email, deployment.from);
  const file = path.join(dir, CONFIG_FILE);
  const { parseDocument } = await import("yaml");
  const document = parseDocument((await readFile(file, "utf8")).replace(/^\uFEFF/, ""));
  document.setIn(["render", "pdf"], "off");
  const emulated = deployment.endpoints.s3;
  document.set(
    "archive",
    document.createNode({
      driver: "s3",
      s3: {
        bucket: deployment.bucket,
        prefix: deployment.archivePrefix,
        serverSideEncryption: "AES256",
        ...(emulated !== undefined ? { endpoint: emulated, forcePathStyle: true } : {}),
      },
    }),
  );
  document.setIn(["transport", "driver"], "ses");
  document.setIn(
    ["transport", "ses"],
    document.createNode({
      ...(deployment.configurationSet !== undefined
        ? { configurationSet: deployment.configurationSet }
        : {}),
      ...(deployment.endpoints.sesv2 !== undefined ? { endpoint: deployment.endpoints.sesv2 } : {}),
    }),
  );
  if (sender !== owners.transport.from.email) {
    if (document.hasIn(["transport", "from"]))
      document.setIn(["transport", "from", "email"], sender);
    else
      document.setIn(
        ["transport", "from"],
        document.createNode({ name: owners.transport.from.name, email: sender }),
      );
  }
  await writeFile(file, document.toString());
  return loadWorkspaceConfig(dir, env);
}

/**
 * The sender address on SES: the deployment's identity when it is an address; with a domain
 * identity, the workspace's own sender, which must be in that domain (or a subdomain of it).
 */
function deploymentSender(workspaceFrom: string, identity: string | undefined): string {
  if (identity === undefined) return workspaceFrom;
  if (identity.includes("@")) return identity;
  const domain = workspaceFrom.slice(workspaceFrom.lastIndexOf("@") + 1).toLowerCase();
  const verified = identity.toLowerCase();
  if (domain === verified || domain.endsWith(`.${verified}`)) return workspaceFrom;
  throw new InputError([
    {
      file: CONFIG_FILE,
      message: `transport.from is ${workspaceFrom}, outside the deployment's SES identity ${identity}`,
      hint: `send from an address @${identity}, or deploy with -c senderIdentity=<that address>`,
      severity: "error",
    },
  ]);
}

/** Reads exec-intel.yaml (and .env) from the S3 workspace and validates them as the CLI does. */
async function loadS3Config(deployment: Deployment, s3: S3Client, env: Env): Promise<Config> {
  const { readWorkspaceFile } = await import("../adapters/workspace/s3-workspace.js");
  const { loadWorkspaceConfig } = await import("../adapters/workspace/config-file.js");
  const where = { client: s3, bucket: deployment.bucket, prefix: deployment.workspacePrefix };
  const yaml = await readWorkspaceFile({ ...where, path: CONFIG_FILE });
  if (yaml === undefined) throw noWorkspace(deployment);
  const dotenv = await readWorkspaceFile({ ...where, path: ".env" });
  const dir = await mkdtemp(path.join(tmpdir(), "exec-intel-config-"));
  try {
    await writeFile(path.join(dir, CONFIG_FILE), yaml);
    if (dotenv !== undefined) await writeFile(path.join(dir, ".env"), dotenv);
    return await withConfigContext(deployment, () => loadWorkspaceConfig(dir, env));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a config load; bad input becomes one error naming the S3 file and every problem. */
async function withConfigContext<T>(deployment: Deployment, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const where = `s3://${deployment.bucket}/${deployment.workspacePrefix}`;
    throw new Error(
      `bad workspace config in ${where}:\n${error.problems.map(formatProblem).join("\n")}`,
      { cause: error },
    );
  }
}

function noWorkspace(deployment: Deployment): Error {
  const where = `s3://${deployment.bucket}/${deployment.workspacePrefix}`;
  return new Error(
    `no ${CONFIG_FILE} in ${where}: upload the workspace there (aws s3 sync <workspace> ${where})`,
  );
}

/** The queued job in a message body; throws on anything else (it would never succeed). */
export function parseJob(body: string): WorkJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error("work message is not JSON");
  }
  const { tenant, period, slot } = (value ?? {}) as Partial<Record<keyof WorkJob, unknown>>;
  if (
    typeof tenant !== "string" ||
    !/^[a-z0-9][a-z0-9-]*$/.test(tenant) ||
    typeof period !== "string" ||
    !/^\d{4}-(0[1-9]|1[0-2])$/.test(period) ||
    typeof slot !== "string"
  )
    throw new Error("work message is not {tenant, period: YYYY-MM, slot: ISO time}");
  instant(slot, "slot");
  return { tenant, period, slot };
}

const EVENT_KINDS: Record<string, MailEventKind> = {
  Delivery: "delivered",
  Bounce: "bounced",
  Complaint: "complained",
  Reject: "rejected",
  DeliveryDelay: "delayed",
};

/**
 * The ledger's view of an SES event: kind, a one-line detail from the type and diagnostic fields
 * only (never headers, subject or content) and when it happened; undefined for events not kept
 * (Send, which the ledger already knows as `sent`, and any other type).
 */
export function mailEventOf(
  detail: SesEventDetail | undefined,
  eventTime?: string,
): MailEvent | undefined {
  const kind = detail?.eventType === undefined ? undefined : EVENT_KINDS[detail.eventType];
  const providerMessageId = detail?.mail?.messageId;
  if (kind === undefined || detail === undefined || providerMessageId === undefined)
    return undefined;
  const recipients = (
    list: { emailAddress?: string; status?: string; diagnosticCode?: string }[] | undefined,
  ) =>
    (list ?? [])
      .map((r) => [r.emailAddress, r.status, r.diagnosticCode].filter(Boolean).join(" "))
      .join("; ");
  const parts: Record<MailEventKind, () => [string | undefined, string]> = {
    delivered: () => [detail.delivery?.timestamp, detail.delivery?.smtpResponse ?? "delivered"],
    bounced: () => [
      detail.bounce?.timestamp,
      `${detail.bounce?.bounceType ?? "Undetermined"}/${detail.bounce?.bounceSubType ?? "Undetermined"}: ${recipients(detail.bounce?.bouncedRecipients)}`,
    ],
    complained: () => [
      detail.complaint?.timestamp,
      `complaint (${detail.complaint?.complaintFeedbackType ?? "no feedback type"}): ${recipients(detail.complaint?.complainedRecipients)}`,
    ],
    rejected: () => [undefined, `rejected: ${detail.reject?.reason ?? "no reason given"}`],
    delayed: () => [
      detail.deliveryDelay?.timestamp,
      `${detail.deliveryDelay?.delayType ?? "delayed"}: ${recipients(detail.deliveryDelay?.delayedRecipients)}`,
    ],
  };
  const [timestamp, text] = parts[kind]();
  const at = [timestamp, eventTime, detail.mail?.timestamp]
    .map((t) => (t === undefined ? Number.NaN : Date.parse(t)))
    .find((t) => !Number.isNaN(t));
  return {
    providerMessageId,
    kind,
    // One line, bounded: a diagnostic is the remote server's words.
    detail: text
      .replace(/[\s\p{Cc}]+/gu, " ")
      .trim()
      .slice(0, 500),
    at: new Date(at ?? Date.now()).toISOString(),
  };
}

/** An SES message id as a key part: SES's ids are letters, digits and dashes. */
function safeMessageId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id))
    throw new Error(`SES message id ${JSON.stringify(id.slice(0, 80))} is not a plain id`);
  return id;
}

/** The raw mail SES's S3 action stored; missing means the action failed or the event is stale. */
async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { readWorkspaceFile } = await import("../adapters/workspace/s3-workspace.js");
  const body = await readWorkspaceFile({ client: s3, bucket, prefix: "", path: key });
  if (body === undefined) throw new Error(`s3://${bucket}/${key} does not exist`);
  return body;
}

function instant(value: unknown, name: string): Date {
  const at = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new Error(`${name} is not an ISO time: ${JSON.stringify(value)}`);
  return at;
}

function describeError(error: unknown): string {
  if (error instanceof InputError) return error.problems.map(formatProblem).join("\n");
  return error instanceof Error ? error.message : String(error);
}

async function toolVersion(): Promise<string> {
  if (typeof EXEC_INTEL_TOOL_VERSION === "string") return EXEC_INTEL_TOOL_VERSION;
  const { readPackageVersion } = await import("./version.js");
  return readPackageVersion();
}

const handlers = createLambdaHandlers();

/** EventBridge Scheduler → queue the due periods. */
export const scheduled = handlers.scheduled;
/** SQS → run one queued period. */
export const worker = handlers.worker;
/** EventBridge (SES events) → ledger. */
export const sesEvents = handlers.sesEvents;
/** SES receipt rule (after the S3 action) → reply notes. */
export const inbound = handlers.inbound;
