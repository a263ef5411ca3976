import { describe, expect, it } from "vitest";
import { cliJson, rulesFor } from "../../../test/helpers/aws-json.js";
import { addressKey, bucketKey, functionKey, tableKey } from "./entity-assignment.js";
import { parseResourceTags } from "./resource-tags.js";

const mapping = (arn: string, tags: Record<string, string>) => ({
  ResourceARN: arn,
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

describe("parseResourceTags", () => {
  const document = cliJson(
    {
      PaginationToken: "",
      ResourceTagMappingList: [
        mapping("arn:aws:s3:::site", { entity: "Beta Studio", owner: "sam" }),
        mapping("arn:aws:lambda:us-west-2:123456789012:function:quote", { entity: "alpha" }),
        mapping("arn:aws:dynamodb:us-west-2:123456789012:table/bookings", { entity: "gamma" }),
        mapping("arn:aws:dynamodb:us-west-2:123456789012:table/audit", { entity: "gamma" }),
        mapping("arn:aws:ec2:us-west-2:123456789012:elastic-ip/eipalloc-0abc", { entity: "beta" }),
        mapping("arn:aws:s3:::untagged", { Project: "x" }),
      ],
    },
    "aws/resourcegroupstaggingapi-get-resources.json",
  );

  it("maps each tagged resource to its entity", () => {
    const { value } = parseResourceTags(document, rulesFor("alpha"));
    expect([...value]).toEqual([
      [bucketKey("site"), "beta"],
      [functionKey("quote"), "alpha"],
      [addressKey("eipalloc-0abc"), "beta"],
    ]);
    expect(value.has(tableKey("bookings"))).toBe(false);
  });

  it("warns once per unknown tag value, naming the file, the tag and the first resource's line", () => {
    const { problems } = parseResourceTags(document, rulesFor("alpha"));
    expect(problems).toEqual([
      {
        file: "aws/resourcegroupstaggingapi-get-resources.json",
        line: 26,
        message: 'tag entity="gamma" names no entity; its 2 resources are counted under "alpha"',
        hint: "retag with an entity id, name or alias from exec-intel.yaml, or add the value as an alias of the entity",
        severity: "warning",
      },
    ]);
  });
});
