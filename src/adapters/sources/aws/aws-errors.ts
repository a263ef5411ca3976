/** What went wrong with an AWS call, as far as the advice to give goes. */
export type AwsErrorKind =
  | "denied"
  | "credentials"
  | "region"
  | "not-enabled"
  | "throttled"
  | "unreachable"
  | "not-implemented"
  | "other";

/** An AWS SDK error reduced to what may be shown: its name and its kind, never its message. */
export interface AwsFailure {
  /** The error's name (the service's error code), or "Error" when it has none fit to show. */
  name: string;
  kind: AwsErrorKind;
}

const KINDS: Record<Exclude<AwsErrorKind, "region" | "other">, readonly string[]> = {
  denied: [
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
    "Forbidden",
    "UnauthorizedOperation",
    "UnauthorizedException",
  ],
  credentials: [
    "CredentialsProviderError",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "ExpiredToken",
    "ExpiredTokenException",
    "TokenRefreshRequired",
  ],
  "not-enabled": ["OptInRequired", "SubscriptionRequiredException", "DataUnavailableException"],
  throttled: [
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "LimitExceededException",
  ],
  unreachable: ["TimeoutError", "RequestTimeout", "ECONNREFUSED", "ECONNRESET", "ENOTFOUND"],
  "not-implemented": ["NotImplemented", "UnknownOperationException"],
};

const KIND_OF = new Map<string, AwsErrorKind>(
  Object.entries(KINDS).flatMap(([kind, names]) =>
    names.map((name): [string, AwsErrorKind] => [name, kind as AwsErrorKind]),
  ),
);

// Error codes are short identifiers; anything else is not shown, in case it echoes a body.
const SHOWABLE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Classifies an error thrown by an AWS SDK call. Only the error's name (or a network error's
 * code) is kept: messages can quote a response body, so they never reach a problem or a log.
 */
export function describeAwsError(error: unknown): AwsFailure {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const name = typeof e.name === "string" && SHOWABLE.test(e.name) ? e.name : "Error";
  // Node's socket errors carry their cause in `code` under the generic name "Error".
  const code = typeof e.code === "string" && SHOWABLE.test(e.code) ? e.code : undefined;
  const shown = name === "Error" && code !== undefined ? code : name;
  // The SDK's own fixed text when neither the config nor the environment names a region.
  if (e.message === "Region is missing") return { name: shown, kind: "region" };
  return { name: shown, kind: KIND_OF.get(shown) ?? "other" };
}

/** Why the call failed, in a few words. */
export function explainFailure(failure: AwsFailure): string {
  switch (failure.kind) {
    case "denied":
      return "access denied";
    case "credentials":
      return "no valid AWS credentials";
    case "region":
      return "no AWS region configured";
    case "not-enabled":
      return "not enabled for this account";
    case "throttled":
      return "throttled by AWS after 5 attempts";
    case "unreachable":
      return "the service could not be reached";
    case "not-implemented":
      return "the endpoint does not implement this call";
    case "other":
      return "the call failed";
  }
}

/** What to do about a failed call that needs the IAM `action`. */
export function adviseOnFailure(failure: AwsFailure, action: string): string {
  switch (failure.kind) {
    case "denied":
      return `allow ${action} in the identity's IAM policy (docs/aws-snapshot.md, "Live mode", lists every action)`;
    case "credentials":
      return CREDENTIALS_ADVICE;
    case "region":
      return "set `region:` in the source, or AWS_REGION, or a region in the profile";
    case "not-enabled":
      return "enable the service for the account (Cost Explorer: in the Billing console; its data appears within 24 hours), or ignore this if the account does not use it";
    case "throttled":
    case "unreachable":
      return "run again later; check the network, or the URL in the source's `endpoints` if it sets one";
    case "not-implemented":
      return `expected from an emulator; against AWS, allow ${action} in the identity's IAM policy`;
    case "other":
      return `run again; if it keeps failing, check that the identity may call ${action}, or capture a snapshot instead (mode: snapshot, docs/aws-snapshot.md)`;
  }
}

/** How to give live mode credentials, or do without them. */
export const CREDENTIALS_ADVICE =
  "set AWS_PROFILE or `profile:` in the source, or run `aws configure` (`aws sso login` for an SSO profile); or use `mode: snapshot` (docs/aws-snapshot.md)";
