// Turns what went wrong in a send into what the delivery step should do about it:
// `transient` — try this message again later; `permanent` — this message can never go, record it;
// `account` — nothing will go until a person fixes the account or the configuration, stop the run.
import type { SendResult } from "./ports.js";

/** A failed send as the delivery step sees it. */
export type SendFailure = Extract<SendResult, { status: "failed" }>;

/** What to do about a failure. */
export type FailureKind = SendFailure["kind"];

/** Socket and resolver error codes of Node that say the network, not the message, failed. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ESOCKETTIMEDOUT",
  "ENOTFOUND",
]);

/** What an SMTP client error tells about itself (nodemailer's `code`, `responseCode`, `command`). */
export interface SmtpErrorFacts {
  /** nodemailer's category (`EAUTH`, `EENVELOPE`, `ECONNECTION`, `ETLS`, ...) or a socket code. */
  code?: string;
  /** The underlying socket or TLS code nodemailer wrapped (`ECONNREFUSED`, `CERT_HAS_EXPIRED`). */
  originalCode?: string;
  /** The server's three-digit reply code, when the server replied. */
  responseCode?: number;
  /** The SMTP command being answered (`RCPT TO`, `MAIL FROM`, `DATA`, `CONN`, `AUTH PLAIN`, ...). */
  command?: string;
  message: string;
}

// Reply codes that mean "you may not send here at all": 530 authentication required, 534/538
// mechanism too weak or needs encryption, 535 credentials rejected.
const SMTP_AUTH_CODES = new Set([530, 534, 535, 538]);

// Errors raised before the message is even offered that will fail every message the same way:
// a TLS or authentication setup the server refuses, or a session the server will not start.
const SMTP_SETUP_CODES = new Set(["EAUTH", "ETLS", "EREQUIRETLS", "ENOAUTH"]);
const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ERR_TLS|ERR_SSL/;
const SMTP_SESSION_COMMANDS = new Set(["CONN", "GREETING", "EHLO", "HELO", "LHLO", "STARTTLS"]);

/** Classifies an SMTP send error by reply code first, then by the client's error code. */
export function classifySmtpError(facts: SmtpErrorFacts): SendFailure {
  const { responseCode, code, command } = facts;
  const fail = (kind: FailureKind, label: string): SendFailure => ({
    status: "failed",
    kind,
    code: label,
    message: facts.message,
  });
  if (responseCode !== undefined) {
    const label = `smtp-${responseCode}`;
    if (SMTP_AUTH_CODES.has(responseCode)) return fail("account", label);
    if (responseCode >= 400 && responseCode < 500) return fail("transient", label);
    if (responseCode >= 500) {
      // A refused session, login or sender fails every message alike; 552 on MAIL FROM is this
      // message's declared size, which is about the message only.
      const sessionLevel =
        command !== undefined && (SMTP_SESSION_COMMANDS.has(command) || command.startsWith("AUTH"));
      const senderLevel = command === "MAIL FROM" && responseCode !== 552;
      return fail(sessionLevel || senderLevel ? "account" : "permanent", label);
    }
  }
  const label = facts.originalCode ?? code ?? "smtp-error";
  if (code !== undefined && SMTP_SETUP_CODES.has(code)) return fail("account", label);
  // A certificate the client will not trust fails every connection until someone acts.
  if (facts.originalCode !== undefined && TLS_TRUST.test(facts.originalCode)) {
    return fail("account", label);
  }
  if (code === "EENVELOPE" || code === "EMESSAGE") return fail("permanent", label);
  if (code === "EDNS") return fail("account", label);
  // Connection drops, timeouts and anything unknown are retried: a retry is bounded, and a wrong
  // "permanent" would drop a report that could have gone.
  return fail("transient", label);
}

/** What an AWS SDK error tells about itself (`name`, `$metadata.httpStatusCode`, socket `code`). */
export interface SesErrorFacts {
  /** The SDK's error name, e.g. `TooManyRequestsException`, `MessageRejected`, `TimeoutError`. */
  name?: string;
  /** HTTP status of the service's answer, when there was one. */
  httpStatus?: number;
  /** Node's socket error code (`ECONNRESET`, ...), when the request never got an answer. */
  code?: string;
  message: string;
}

const SES_TRANSIENT_NAMES = new Set([
  "TooManyRequestsException",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "InternalFailure",
  "InternalServiceErrorException",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "RequestAbortedError",
]);

// Account-level: sending is off, the sender domain is not usable, the day's quota is spent, or the
// credentials, region or configuration set are wrong. None of that changes by trying again.
const SES_ACCOUNT_NAMES = new Set([
  "AccountSuspendedException",
  "SendingPausedException",
  "MailFromDomainNotVerifiedException",
  "LimitExceededException",
  "NotFoundException",
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "MissingAuthenticationToken",
  "IncompleteSignature",
  "CredentialsProviderError",
]);

const SES_PERMANENT_NAMES = new Set([
  "MessageRejected",
  "BadRequestException",
  "InvalidParameterValue",
  "InvalidParameterValueException",
  "ValidationException",
  "SerializationException",
]);

// SES v1 answers a spent daily quota as throttling ("Daily message quota exceeded") while the
// per-second rate is "Maximum sending rate exceeded": same error name, opposite meanings.
const DAILY_QUOTA = /daily (message )?quota/i;

/** Classifies an SES (AWS SDK) error by its name, then its HTTP status, then its socket code. */
export function classifySesError(facts: SesErrorFacts): SendFailure {
  const { name, httpStatus, code } = facts;
  // "Unknown" is the SDK's name for an error answer without a type; "Error" is no name at all.
  const label = name !== undefined && !["", "Error", "Unknown"].includes(name) ? name : undefined;
  const fail = (kind: FailureKind, fallback: string): SendFailure => ({
    status: "failed",
    kind,
    code: label ?? fallback,
    message: facts.message,
  });
  if (DAILY_QUOTA.test(facts.message)) return fail("account", "daily-quota");
  if (label !== undefined) {
    if (SES_ACCOUNT_NAMES.has(label)) return fail("account", label);
    if (SES_TRANSIENT_NAMES.has(label)) return fail("transient", label);
    if (SES_PERMANENT_NAMES.has(label)) return fail("permanent", label);
  }
  if (httpStatus !== undefined) {
    const status = `http-${httpStatus}`;
    if (httpStatus === 429 || httpStatus === 408 || httpStatus >= 500) {
      return fail("transient", status);
    }
    if (httpStatus === 401 || httpStatus === 403) return fail("account", status);
    if (httpStatus >= 400) return fail("permanent", status);
  }
  if (code !== undefined && NETWORK_CODES.has(code)) return fail("transient", code);
  // The SDK reports a missing region or credentials before any request is made.
  if (/region is missing|region not accepted|could not load credentials/i.test(facts.message)) {
    return fail("account", "configuration");
  }
  return fail("transient", code ?? "ses-error");
}
