import { describe, expect, it } from "vitest";
import { rulesFor } from "../../../test/helpers/aws-json.js";
import {
  addressKey,
  assignEntity,
  bucketKey,
  distributionKey,
  entityLookup,
  functionKey,
  logGroupKey,
  resourceKeyOfArn,
  tableKey,
} from "./entity-assignment.js";

describe("resourceKeyOfArn", () => {
  it.each([
    ["arn:aws:s3:::qsd-site", bucketKey("qsd-site")],
    [
      "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL",
      distributionKey("E2QWRUHAPOMQZL"),
    ],
    ["arn:aws:lambda:us-west-2:123456789012:function:quote", functionKey("quote")],
    ["arn:aws:lambda:us-west-2:123456789012:function:quote:live", functionKey("quote")],
    ["arn:aws:dynamodb:us-west-2:123456789012:table/bookings", tableKey("bookings")],
    [
      "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/quote",
      logGroupKey("/aws/lambda/quote"),
    ],
    [
      "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/quote:*",
      logGroupKey("/aws/lambda/quote"),
    ],
    ["arn:aws:ec2:us-west-2:123456789012:elastic-ip/eipalloc-0abc", addressKey("eipalloc-0abc")],
  ])("%s", (arn, key) => {
    expect(resourceKeyOfArn(arn)).toBe(key);
  });

  it.each([
    "arn:aws:s3:::qsd-site/index.html",
    "arn:aws:dynamodb:us-west-2:123456789012:table/bookings/stream/2026-01-01T00:00:00.000",
    "arn:aws:ec2:us-west-2:123456789012:instance/i-0abc",
    "not an arn",
  ])("%s names no snapshot resource", (arn) => {
    expect(resourceKeyOfArn(arn)).toBeUndefined();
  });
});

describe("assignEntity", () => {
  it("resolves a tag by id, name or alias", () => {
    expect(assignEntity("beta", rulesFor("alpha"))).toEqual({ entity: "beta" });
    expect(assignEntity("Beta Studio", rulesFor())).toEqual({ entity: "beta" });
    expect(assignEntity("ac", rulesFor())).toEqual({ entity: "alpha" });
  });

  it("falls back to the account's entity when untagged", () => {
    expect(assignEntity(undefined, rulesFor("alpha"))).toEqual({ entity: "alpha" });
    expect(assignEntity("", rulesFor("alpha"))).toEqual({ entity: "alpha" });
    expect(assignEntity("  ", rulesFor())).toEqual({ entity: undefined });
  });

  it("flags a tag that names no entity and falls back", () => {
    expect(assignEntity("gamma", rulesFor("alpha"))).toEqual({
      entity: "alpha",
      unknownTag: "gamma",
    });
  });

  it("looks a resource up by key, else the fallback", () => {
    const entityOf = entityLookup(new Map([[bucketKey("b"), "beta"]]), "alpha");
    expect(entityOf(bucketKey("b"))).toBe("beta");
    expect(entityOf(bucketKey("other"))).toBe("alpha");
  });
});
