import { isAbsolute, resolve } from "node:path";

/**
 * Everything the stack can be told from outside, with its defaults. The CDK app reads these from
 * context (`cdk synth -c key=value` or the `context` block of infra/cdk.json); tests pass them
 * directly. Pure: no file access, no AWS calls.
 */
export interface InfraConfig {
  /** Directory holding the esbuild bundle `index.mjs` (handlers scheduled, worker, sesEvents, inbound). */
  readonly lambdaAssetDir: string;
  /** Verified SES identity the reports are sent from: an address (reports@example.com) or a domain. */
  readonly senderIdentity: string;
  /** Address or domain SES receives replies for; absent = no receiving resources at all. */
  readonly replyRecipient?: string;
  /** EventBridge Scheduler expression of the monthly run. */
  readonly scheduleExpression: string;
  /** IANA time zone the schedule expression is read in. */
  readonly scheduleTimezone: string;
  /** Retention of the four functions' log groups, in days (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  readonly stackName: string;
  /** Explicit deployment environment; both absent = an environment-agnostic stack. */
  readonly account?: string;
  readonly region?: string;
}

export const DEFAULTS = {
  scheduleExpression: "rate(1 hour)",
  scheduleTimezone: "UTC",
  logRetentionDays: 365,
  stackName: "ExecIntel",
} as const;

/** The retention values CloudWatch Logs accepts (RetentionInDays); 9999 would mean "never expire". */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** A configuration value that cannot be used, named by its context key and with the way out. */
export class InfraConfigError extends Error {
  constructor(key: string, problem: string, fix: string) {
    super(`infra: context "${key}" ${problem}. ${fix}`);
    this.name = "InfraConfigError";
  }
}

// An address or a domain; no wildcards, spaces or slashes, which would widen an IAM ARN or a rule.
const EMAIL = /^[A-Za-z0-9.!#$%&'+=^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const SCHEDULE = /^(cron|rate|at)\(.+\)$/;

function text(get: (key: string) => unknown, key: string): string | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" && typeof value !== "number") {
    throw new InfraConfigError(
      key,
      `must be a string, got ${typeof value}`,
      "Pass it as -c key=value.",
    );
  }
  return String(value).trim();
}

function identity(key: string, value: string): string {
  if (!EMAIL.test(value) && !DOMAIN.test(value)) {
    throw new InfraConfigError(
      key,
      `is "${value}", neither an email address nor a domain`,
      "Use e.g. reports@example.com or example.com.",
    );
  }
  return value;
}

function timezone(value: string): string {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
  } catch {
    throw new InfraConfigError(
      "scheduleTimezone",
      `is "${value}", not an IANA time zone`,
      'Use e.g. "UTC" or "Europe/Berlin".',
    );
  }
  return value;
}

/**
 * Reads and checks the configuration. `get` is `app.node.tryGetContext` (CLI context values are
 * strings); `defaultAssetDir` is `<repo>/dist-lambda`; a relative `lambdaAssetDir` is resolved
 * against `cwd` (the directory `cdk` was run from).
 */
export function readInfraConfig(
  get: (key: string) => unknown,
  defaultAssetDir: string,
  cwd: string = process.cwd(),
): InfraConfig {
  const senderIdentity = text(get, "senderIdentity");
  if (senderIdentity === undefined) {
    throw new InfraConfigError(
      "senderIdentity",
      "is required",
      "Pass the verified SES identity: -c senderIdentity=reports@example.com",
    );
  }
  const replyRecipient = text(get, "replyRecipient");
  const scheduleExpression = text(get, "scheduleExpression") ?? DEFAULTS.scheduleExpression;
  if (!SCHEDULE.test(scheduleExpression)) {
    throw new InfraConfigError(
      "scheduleExpression",
      `is "${scheduleExpression}", not a cron(), rate() or at() expression`,
      `Use e.g. "${DEFAULTS.scheduleExpression}".`,
    );
  }
  const retentionText = text(get, "logRetentionDays");
  const logRetentionDays =
    retentionText === undefined ? DEFAULTS.logRetentionDays : Number(retentionText);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new InfraConfigError(
      "logRetentionDays",
      `is "${retentionText}", not a CloudWatch Logs retention`,
      `Use one of ${LOG_RETENTION_DAYS.join(", ")}.`,
    );
  }
  const assetDir = text(get, "lambdaAssetDir");
  const account = text(get, "account");
  const region = text(get, "region");
  return {
    lambdaAssetDir:
      assetDir === undefined
        ? defaultAssetDir
        : isAbsolute(assetDir)
          ? assetDir
          : resolve(cwd, assetDir),
    senderIdentity: identity("senderIdentity", senderIdentity),
    ...(replyRecipient !== undefined
      ? { replyRecipient: identity("replyRecipient", replyRecipient) }
      : {}),
    scheduleExpression,
    scheduleTimezone: timezone(text(get, "scheduleTimezone") ?? DEFAULTS.scheduleTimezone),
    logRetentionDays,
    stackName: text(get, "stackName") ?? DEFAULTS.stackName,
    ...(account !== undefined ? { account } : {}),
    ...(region !== undefined ? { region } : {}),
  };
}
