import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { backoffDelay } from "../../core/deliver/retry.js";
import type { Task } from "../../core/follow-up/tasks.js";

// Task changes POSTed to the user's own endpoint as signed JSON. Events go out one at a time, in
// order, so a receiver never sees a later change of a task before an earlier one. The signature
// covers the timestamp as well as the body (as Stripe's does), so a captured request cannot be
// replayed later against a receiver that checks the timestamp's age.

/** What happened to a task, as the webhook announces it. */
export type TaskWebhookEventName =
  | "task.created"
  | "task.refreshed"
  | "task.reopened"
  | "task.resolved-in-data"
  | "task.status";

/** One task change, sent as the request body byte for byte (`JSON.stringify`). */
export interface TaskWebhookEvent {
  event: TaskWebhookEventName;
  tenant: string;
  /** Who made the change: a person, or the run. */
  actor: string;
  /** ISO time of the change; its Unix seconds are the signed timestamp. */
  at: string;
  runId?: string;
  task: Task;
}

/** How the delivery of one event ended. */
export interface WebhookOutcome {
  event: TaskWebhookEvent;
  status: "delivered" | "failed";
  /** Requests made, 0 when the event could not be sent at all. */
  attempts: number;
  /** Status of the last answer, when the last attempt got one. */
  httpStatus?: number;
  /** Why the last attempt failed; never holds the secret or the URL's query. */
  error?: string;
}

/** Endpoint, secret and retry policy of a task webhook; fetch, sleep and random can be replaced in tests. */
export interface TaskWebhookOptions {
  url: string;
  secret: string;
  /** Attempts in all per event, the first included (≥ 1). */
  maxAttempts: number;
  /** Backoff ceiling of the first retry; doubles per retry. */
  baseDelayMs: number;
  /** Longest wait between attempts, `Retry-After` included. */
  maxDelayMs: number;
  /** Per attempt, until the answer's headers arrive (default 10 000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A task webhook: posts events in order and reports each one's outcome. */
export interface TaskWebhook {
  post(events: readonly TaskWebhookEvent[]): Promise<WebhookOutcome[]>;
}

const SIGNATURE_PREFIX = "sha256=";
const DEFAULT_TIMEOUT_MS = 10_000;

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`), the `x-exec-intel-signature` header. */
export function signTaskWebhook(secret: string, timestamp: string, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
  return `${SIGNATURE_PREFIX}${mac}`;
}

/**
 * Whether `header` is the signature of `timestamp` and `body` under `secret`, compared in constant
 * time; false, never a throw, for a missing or malformed header. Receivers should also reject a
 * timestamp too far from their own clock, which this does not know.
 */
export function verifyTaskWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  header: string | undefined,
): boolean {
  if (secret === "" || !/^\d+$/.test(timestamp)) return false;
  if (header === undefined || !header.startsWith(SIGNATURE_PREFIX)) return false;
  const given = header.slice(SIGNATURE_PREFIX.length);
  // Buffer.from(…, "hex") silently drops bad digits, so check the shape before decoding.
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = signTaskWebhook(secret, timestamp, body).slice(SIGNATURE_PREFIX.length);
  return timingSafeEqual(Buffer.from(given, "hex"), Buffer.from(expected, "hex"));
}

/** Creates a webhook that POSTs each event to `options.url`, retrying transient failures. */
export function createTaskWebhook(options: TaskWebhookOptions): TaskWebhook {
  const url = parseEndpoint(options.url);
  if (options.secret === "") throw new Error("the task webhook's signing secret is empty");
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new Error(`maxAttempts must be a whole number ≥ 1, got ${options.maxAttempts}`);
  }
  // Checked here so that post() never throws half-way through a batch.
  if (!(options.baseDelayMs >= 0) || !(options.maxDelayMs >= 0)) {
    throw new Error(
      `baseDelayMs and maxDelayMs must be ≥ 0, got ${options.baseDelayMs} and ${options.maxDelayMs}`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new Error(`timeoutMs must be > 0, got ${timeoutMs}`);
  const settings: Settings = {
    url,
    safeUrl: `${url.origin}${url.pathname}`,
    secret: options.secret,
    maxAttempts: options.maxAttempts,
    backoff: { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs },
    timeoutMs,
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
  return {
    async post(events) {
      const outcomes: WebhookOutcome[] = [];
      // Sequential on purpose: parallel posts could overtake each other.
      for (const event of events) outcomes.push(await deliver(event, settings));
      return outcomes;
    },
  };
}

interface Settings {
  url: URL;
  /** The URL without query, fragment or userinfo, for error messages. */
  safeUrl: string;
  secret: string;
  maxAttempts: number;
  backoff: { baseMs: number; maxMs: number };
  timeoutMs: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** One attempt's result: delivered, worth another try (with the server's wait, if any), or final. */
type Attempt =
  | { kind: "delivered"; httpStatus: number }
  | { kind: "transient"; httpStatus?: number; retryAfterMs?: number; error: string }
  | { kind: "permanent"; httpStatus: number; error: string };

const realSleep = async (ms: number) => {
  if (ms > 0) await delay(ms);
};

function parseEndpoint(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The raw text is not echoed: it may hold a token.
    throw new Error("the task webhook URL is not a valid URL; use e.g. https://host/path");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`the task webhook URL must use https or http, not ${url.protocol}`);
  }
  // fetch refuses URLs with credentials; say so now, naming the host but not the credentials.
  if (url.username !== "" || url.password !== "") {
    throw new Error(
      `the task webhook URL for ${url.origin} includes user:password, which fetch cannot send; put a token in the path or query instead`,
    );
  }
  return url;
}

async function deliver(event: TaskWebhookEvent, settings: Settings): Promise<WebhookOutcome> {
  const seconds = Math.floor(Date.parse(event.at) / 1000);
  if (!Number.isFinite(seconds)) {
    return {
      event,
      status: "failed",
      attempts: 0,
      error: `event ${event.event} of task ${event.task.id} has no valid ISO time in "at"`,
    };
  }
  const body = JSON.stringify(event);
  const timestamp = String(seconds);
  // Same bytes on every attempt, so the delivery id and signature are stable across retries.
  const headers = {
    "content-type": "application/json",
    "user-agent": "exec-intel",
    "x-exec-intel-event": event.event,
    "x-exec-intel-delivery": createHash("sha256").update(body, "utf8").digest("hex").slice(0, 32),
    "x-exec-intel-timestamp": timestamp,
    "x-exec-intel-signature": signTaskWebhook(settings.secret, timestamp, body),
  };
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(body, headers, settings);
    if (result.kind === "delivered") {
      return { event, status: "delivered", attempts: attempt, httpStatus: result.httpStatus };
    }
    if (result.kind === "permanent" || attempt >= settings.maxAttempts) {
      const outcome: WebhookOutcome = { event, status: "failed", attempts: attempt };
      if (result.httpStatus !== undefined) outcome.httpStatus = result.httpStatus;
      outcome.error = result.error;
      return outcome;
    }
    const waitMs =
      result.retryAfterMs !== undefined
        ? Math.min(result.retryAfterMs, settings.backoff.maxMs)
        : backoffDelay(attempt - 1, settings.backoff, settings.random);
    await settings.sleep(waitMs);
  }
}

async function attemptOnce(
  body: string,
  headers: Record<string, string>,
  settings: Settings,
): Promise<Attempt> {
  let response: Response;
  try {
    response = await settings.fetch(settings.url, {
      method: "POST",
      headers,
      body,
      // A redirected POST may turn into a GET or carry the signed body to another host.
      redirect: "manual",
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    return { kind: "transient", error: scrub(describeFailure(error, settings), settings) };
  }
  // Nothing in the answer is needed; cancelling frees the connection for the next event.
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: "delivered", httpStatus: status };
  const error = scrub(`POST ${settings.safeUrl} answered ${statusText(response)}`, settings);
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const attempt: Attempt = { kind: "transient", httpStatus: status, error };
    if (status === 429 || status === 503) {
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      if (retryAfterMs !== undefined) attempt.retryAfterMs = retryAfterMs;
    }
    return attempt;
  }
  if (status >= 300 && status < 400) {
    return {
      kind: "permanent",
      httpStatus: status,
      error: `${error} (a redirect, which is not followed; configure the final URL)`,
    };
  }
  return { kind: "permanent", httpStatus: status, error };
}

function statusText(response: Response): string {
  return response.statusText === ""
    ? `${response.status}`
    : `${response.status} ${response.statusText}`;
}

/** `Retry-After` in whole seconds, as milliseconds; an HTTP date or junk falls back to backoff. */
function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header.trim()) * 1000;
}

function describeFailure(error: unknown, settings: Settings): string {
  const prefix = `POST ${settings.safeUrl}`;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `${prefix} timed out after ${settings.timeoutMs} ms`;
  }
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, …) in `cause`.
  const cause = error instanceof Error ? error.cause : undefined;
  const code = errorCode(cause) ?? errorCode(error);
  const message =
    cause instanceof Error && cause.message !== ""
      ? cause.message
      : error instanceof Error
        ? error.message
        : String(error);
  const detail = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
  return `${prefix} failed: ${detail || "unknown network error"}`;
}

function errorCode(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("code" in value)) return undefined;
  return typeof value.code === "string" ? value.code : undefined;
}

/** Removes the URL's query and fragment wherever a lower layer may have quoted the full URL. */
function scrub(text: string, settings: Settings): string {
  let clean = text.split(settings.url.href).join(settings.safeUrl);
  for (const part of [settings.url.search, settings.url.hash]) {
    if (part.length > 1) clean = clean.split(part).join("");
  }
  return clean;
}
