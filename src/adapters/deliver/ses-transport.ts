import type { SESv2Client, SESv2ClientConfig } from "@aws-sdk/client-sesv2";
import { classifySesError } from "../../core/deliver/classify.js";
import type { OutgoingMessage, SendResult, Transport } from "../../core/deliver/ports.js";

/** Where and as whom to call Amazon SES; unset fields come from the standard AWS chain. */
export interface SesOptions {
  /** Else `AWS_REGION`, the profile's region, ... */
  region?: string;
  /** A different endpoint, e.g. a local SES emulator or a VPC endpoint. */
  endpoint?: string;
  /** SES configuration set (event publishing, dedicated IPs) to send through. */
  configurationSet?: string;
  /** Else environment, shared config and credentials files, SSO, container or instance role. */
  credentials?: SESv2ClientConfig["credentials"];
  /** Abandon a request with no answer after this long (default 30 s); it counts as transient. */
  requestTimeoutMs?: number;
  /** How long an account quota read stays fresh (default 60 s). */
  quotaCacheMs?: number;
  /** Clock for the quota cache (default `Date.now`). */
  now?: () => number;
}

// SES accepts tag names and values of ASCII letters, digits, `_` and `-`, up to 256 characters.
const TAG_UNSAFE = /[^A-Za-z0-9_-]+/g;

/** Message tags in SES's form: unsafe characters become `_`, at most 256 each, empty ones dropped. */
export function sesEmailTags(tags: Record<string, string>): { Name: string; Value: string }[] {
  const clean = (text: string) => text.replace(TAG_UNSAFE, "_").slice(0, 256);
  return Object.entries(tags)
    .map(([name, value]) => ({ Name: clean(name), Value: clean(value) }))
    .filter((tag) => tag.Name !== "" && tag.Value !== "");
}

/** What classifySesError needs from an SDK or socket error. */
function sesFailure(error: unknown): SendResult {
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const httpStatus = e.$metadata?.httpStatusCode;
  return classifySesError({
    ...(e.name !== undefined ? { name: e.name } : {}),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(typeof e.code === "string" ? { code: e.code } : {}),
    message: error instanceof Error ? error.message : String(error),
  });
}

interface SendQuota {
  rate: number | undefined;
  remaining: number | undefined;
}

/**
 * Amazon SES v2 `SendEmail` with the assembled message as raw content. Recipients are given as
 * `Destination.ToAddresses` (the report's recipient and the BCC archive address), so SES delivers
 * to exactly the envelope and never to addresses read from headers. The SDK makes one attempt
 * per call: retries and pacing are sendWithRetry's, so they are counted and logged.
 */
export function createSesTransport(options: SesOptions = {}): Transport {
  const now = options.now ?? Date.now;
  const quotaCacheMs = options.quotaCacheMs ?? 60_000;
  let client:
    | Promise<{ ses: SESv2Client; sdk: typeof import("@aws-sdk/client-sesv2") }>
    | undefined;
  // The SDK is imported on first use so the CLI starts without it.
  const connect = () => {
    client ??= import("@aws-sdk/client-sesv2").then((sdk) => ({
      sdk,
      ses: new sdk.SESv2Client({
        ...(options.region !== undefined ? { region: options.region } : {}),
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
        ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
        maxAttempts: 1,
        requestHandler: {
          connectionTimeout: Math.min(10_000, options.requestTimeoutMs ?? 30_000),
          requestTimeout: options.requestTimeoutMs ?? 30_000,
          // Otherwise a request past its timeout only logs a warning and waits on.
          throwOnRequestTimeout: true,
        },
      }),
    }));
    return client;
  };

  let quota: { at: number; value: Promise<SendQuota> } | undefined;
  const readQuota = async (): Promise<SendQuota> => {
    const { ses, sdk } = await connect();
    try {
      const account = await ses.send(new sdk.GetAccountCommand({}));
      const q = account.SendQuota;
      // SES reports an unlimited 24-hour quota as -1.
      const max = q?.Max24HourSend;
      const remaining =
        max === undefined || max < 0 ? undefined : Math.max(0, max - (q?.SentLast24Hours ?? 0));
      const rate = q?.MaxSendRate !== undefined && q.MaxSendRate > 0 ? q.MaxSendRate : undefined;
      return { rate, remaining };
    } catch {
      // Unknown, not zero: the caller falls back to its configured rate, and a real account
      // problem shows up, classified, on the first send.
      quota = undefined;
      return { rate: undefined, remaining: undefined };
    }
  };
  const sendQuota = () => {
    const at = now();
    if (quota === undefined || at - quota.at > quotaCacheMs) {
      quota = { at, value: readQuota() };
    }
    return quota.value;
  };

  return {
    name: "ses",
    maxSendRate: async () => (await sendQuota()).rate,
    remainingQuota: async () => (await sendQuota()).remaining,
    async send(message: OutgoingMessage): Promise<SendResult> {
      try {
        const { ses, sdk } = await connect();
        const tags = sesEmailTags(message.tags);
        const answer = await ses.send(
          new sdk.SendEmailCommand({
            FromEmailAddress: message.from,
            Destination: { ToAddresses: [...message.to] },
            Content: { Raw: { Data: message.raw } },
            ...(options.configurationSet !== undefined
              ? { ConfigurationSetName: options.configurationSet }
              : {}),
            ...(tags.length > 0 ? { EmailTags: tags } : {}),
          }),
        );
        // A 200 means SES took the message; sending again for want of an id would duplicate it.
        return { status: "sent", providerMessageId: answer.MessageId ?? "unknown" };
      } catch (error) {
        return sesFailure(error);
      }
    },
    async close() {
      if (client === undefined) return;
      (await client).ses.destroy();
    },
  };
}
