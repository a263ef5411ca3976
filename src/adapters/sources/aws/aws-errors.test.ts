import { describe, expect, it } from "vitest";
import { adviseOnFailure, describeAwsError } from "./aws-errors.js";

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error("User: arn:aws:iam::123456789012:user/audit is not authorized"), {
    name,
    ...extra,
  });

describe("describeAwsError", () => {
  it.each([
    ["AccessDeniedException", "denied"],
    ["UnauthorizedOperation", "denied"],
    ["CredentialsProviderError", "credentials"],
    ["ExpiredToken", "credentials"],
    ["DataUnavailableException", "not-enabled"],
    ["ThrottlingException", "throttled"],
    ["TimeoutError", "unreachable"],
    ["NotImplemented", "not-implemented"],
    ["InternalError", "other"],
  ])("%s is %s", (name, kind) => {
    expect(describeAwsError(named(name))).toEqual({ name, kind });
  });

  it("names a socket error by its code, a missing region by the SDK's text, and hides odd names", () => {
    expect(describeAwsError(named("Error", { code: "ECONNREFUSED" }))).toEqual({
      name: "ECONNREFUSED",
      kind: "unreachable",
    });
    expect(describeAwsError(new Error("Region is missing"))).toEqual({
      name: "Error",
      kind: "region",
    });
    expect(describeAwsError(named("<Error><Message>secret</Message>"))).toEqual({
      name: "Error",
      kind: "other",
    });
    expect(describeAwsError(undefined)).toEqual({ name: "Error", kind: "other" });
  });

  it("advises the IAM action to allow when access is denied", () => {
    expect(adviseOnFailure({ name: "AccessDenied", kind: "denied" }, "s3:ListAllMyBuckets")).toBe(
      `allow s3:ListAllMyBuckets in the identity's IAM policy (docs/aws-snapshot.md, "Live mode", lists every action)`,
    );
  });
});
