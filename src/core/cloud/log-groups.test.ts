import { describe, expect, it } from "vitest";
import { cliJson } from "../../../test/helpers/aws-json.js";
import { entityLookup, logGroupKey } from "./entity-assignment.js";
import { parseHostedZones } from "./hosted-zones.js";
import { parseLogGroups } from "./log-groups.js";

describe("parseLogGroups", () => {
  it("reads KMS key and retention; absent means none and never expire", () => {
    const document = cliJson({
      logGroups: [
        {
          logGroupName: "/aws/lambda/quote",
          creationTime: 1712856000000,
          metricFilterCount: 0,
          arn: "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/quote:*",
          storedBytes: 3221225472,
          logGroupClass: "STANDARD",
          logGroupArn: "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/quote",
        },
        {
          logGroupName: "/aws/lambda/portal",
          creationTime: 1712856000000,
          retentionInDays: 30,
          metricFilterCount: 0,
          arn: "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/portal:*",
          storedBytes: 0,
          kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          logGroupClass: "STANDARD",
        },
      ],
    });
    const entityOf = entityLookup(
      new Map([[logGroupKey("/aws/lambda/portal"), "beta"]]),
      undefined,
    );
    expect(parseLogGroups(document, entityOf)).toEqual({
      value: [
        { name: "/aws/lambda/quote", kmsKeyId: null, retentionDays: null, storedBytes: 3221225472 },
        {
          name: "/aws/lambda/portal",
          entity: "beta",
          kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          retentionDays: 30,
          storedBytes: 0,
        },
      ],
      problems: [],
    });
  });

  it("rejects a retention that is not a whole number of days", () => {
    const document = cliJson({ logGroups: [{ logGroupName: "g", retentionInDays: "30" }] });
    expect(parseLogGroups(document, () => undefined).problems[0]?.message).toBe(
      "unexpected shape at logGroups[0].retentionInDays: expected number, found a string",
    );
  });
});

describe("parseHostedZones", () => {
  it("lists public zones without the trailing dot, once each", () => {
    const zone = (name: string, privateZone: boolean) => ({
      Id: "/hostedzone/Z0123456789ABCDEFGHIJ",
      Name: name,
      CallerReference: "2024-03-02T18:00:00Z",
      Config: { Comment: "", PrivateZone: privateZone },
      ResourceRecordSetCount: 6,
    });
    const document = cliJson({
      HostedZones: [
        zone("example.com.", false),
        zone("internal.example.", true),
        zone("Example.com.", false),
      ],
    });
    expect(parseHostedZones(document)).toEqual({ value: ["example.com"], problems: [] });
  });
});
