import { describe, expect, it } from "vitest";
import { cliJson } from "../../../test/helpers/aws-json.js";
import { parseDistributions } from "./cloudfront-distributions.js";
import { distributionKey, entityLookup } from "./entity-assignment.js";

function summary(id: string, extra: Record<string, unknown>) {
  return {
    Id: id,
    ARN: `arn:aws:cloudfront::123456789012:distribution/${id}`,
    Status: "Deployed",
    LastModifiedTime: "2026-05-14T17:25:33.412000+00:00",
    DomainName: `${id.toLowerCase()}.cloudfront.net`,
    Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "site.s3.us-west-2.amazonaws.com" }] },
    OriginGroups: { Quantity: 0 },
    CacheBehaviors: { Quantity: 0 },
    CustomErrorResponses: { Quantity: 0 },
    Comment: "",
    PriceClass: "PriceClass_100",
    HttpVersion: "http2",
    IsIPV6Enabled: true,
    Staging: false,
    ...extra,
  };
}

describe("parseDistributions", () => {
  it("maps id, domain, aliases, WAF and enabled; an empty WebACLId means no WAF", () => {
    const document = cliJson({
      DistributionList: {
        Marker: "",
        MaxItems: 100,
        IsTruncated: false,
        Quantity: 2,
        Items: [
          summary("E2QWRUHAPOMQZL", {
            Aliases: { Quantity: 2, Items: ["example.com", "www.example.com"] },
            WebACLId: "",
            Enabled: true,
          }),
          summary("E1KWRUHXPOMQZA", {
            Aliases: { Quantity: 0 },
            WebACLId:
              "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
            Enabled: false,
          }),
        ],
      },
    });
    const entityOf = entityLookup(
      new Map([[distributionKey("E1KWRUHXPOMQZA"), "beta"]]),
      undefined,
    );
    expect(parseDistributions(document, entityOf)).toEqual({
      value: [
        {
          id: "E2QWRUHAPOMQZL",
          domainName: "e2qwruhapomqzl.cloudfront.net",
          aliases: ["example.com", "www.example.com"],
          webAclId: null,
          enabled: true,
          origins: ["site.s3.us-west-2.amazonaws.com"],
        },
        {
          id: "E1KWRUHXPOMQZA",
          entity: "beta",
          domainName: "e1kwruhxpomqza.cloudfront.net",
          aliases: [],
          webAclId:
            "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
          enabled: false,
          origins: ["site.s3.us-west-2.amazonaws.com"],
        },
      ],
      problems: [],
    });
  });

  it("reads an account without distributions (the API leaves Items out)", () => {
    const document = cliJson({
      DistributionList: { Marker: "", MaxItems: 100, IsTruncated: false, Quantity: 0 },
    });
    expect(parseDistributions(document, () => undefined)).toEqual({ value: [], problems: [] });
  });

  it("names the path and the command when Items is not a list", () => {
    const document = cliJson({ DistributionList: { Items: { Id: "E2" } } }, "aws/cf.json");
    const { value, problems } = parseDistributions(document, () => undefined);
    expect(value).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        file: "aws/cf.json",
        line: 3,
        message: "unexpected shape at DistributionList.Items: expected array, found an object",
        hint: "this file should be the output of `aws cloudfront list-distributions --output json`",
      }),
    ]);
  });
});
