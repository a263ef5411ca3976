import { describe, expect, it } from "vitest";
import { cliJson } from "../../../test/helpers/aws-json.js";
import { parseAddresses } from "./elastic-ips.js";
import { addressKey, entityLookup } from "./entity-assignment.js";

// Shapes from the EC2 API reference's DescribeAddresses examples (as `aws ec2 describe-addresses`).
const address = (publicIp: string, extra: Record<string, unknown>) => ({
  PublicIp: publicIp,
  Domain: "vpc",
  PublicIpv4Pool: "amazon",
  NetworkBorderGroup: "us-west-2",
  ...extra,
});

describe("parseAddresses", () => {
  it("is attached when any of association, instance or network interface is set", () => {
    const document = cliJson({
      Addresses: [
        address("203.0.113.10", {
          AllocationId: "eipalloc-01",
          AssociationId: "eipassoc-01",
          InstanceId: "i-1234567890abcdef0",
          NetworkInterfaceId: "eni-01",
          NetworkInterfaceOwnerId: "123456789012",
          PrivateIpAddress: "10.0.1.241",
        }),
        address("203.0.113.11", { AllocationId: "eipalloc-02", InstanceId: "i-0abc" }),
        address("203.0.113.12", { AllocationId: "eipalloc-03", NetworkInterfaceId: "eni-03" }),
        address("203.0.113.13", { AllocationId: "eipalloc-04", AssociationId: "eipassoc-04" }),
        // An empty id is no association (hand-edited or trimmed output).
        address("203.0.113.14", { AllocationId: "eipalloc-05", InstanceId: "" }),
      ],
    });
    const { value, problems } = parseAddresses(document, () => undefined);
    expect(problems).toEqual([]);
    expect(value.map((a) => [a.publicIp, a.attached])).toEqual([
      ["203.0.113.10", true],
      ["203.0.113.11", true],
      ["203.0.113.12", true],
      ["203.0.113.13", true],
      ["203.0.113.14", false],
    ]);
  });

  it("takes the entity of the allocation's tag, else the account's", () => {
    const document = cliJson({
      Addresses: [
        address("52.12.188.47", {
          AllocationId: "eipalloc-0d4c8b1e7a2f93b65",
          Tags: [{ Key: "Name", Value: "test-box" }],
        }),
        address("52.12.188.48", { AllocationId: "eipalloc-0untagged" }),
        // EC2-Classic style: no allocation id at all.
        { PublicIp: "198.51.100.0", Domain: "standard", InstanceId: "i-1234567890abcdef0" },
      ],
    });
    const entityOf = entityLookup(
      new Map([[addressKey("eipalloc-0d4c8b1e7a2f93b65"), "beta"]]),
      "alpha",
    );
    expect(parseAddresses(document, entityOf)).toEqual({
      value: [
        {
          publicIp: "52.12.188.47",
          entity: "beta",
          allocationId: "eipalloc-0d4c8b1e7a2f93b65",
          attached: false,
        },
        {
          publicIp: "52.12.188.48",
          entity: "alpha",
          allocationId: "eipalloc-0untagged",
          attached: false,
        },
        { publicIp: "198.51.100.0", entity: "alpha", attached: true },
      ],
      problems: [],
    });
  });

  it("reads an account without addresses", () => {
    expect(parseAddresses(cliJson({ Addresses: [] }), () => undefined)).toEqual({
      value: [],
      problems: [],
    });
  });

  it("names the file, the path and the command when an address has no public IP", () => {
    const document = cliJson(
      { Addresses: [address("203.0.113.10", {}), { AllocationId: "eipalloc-02" }] },
      "aws/ec2-describe-addresses.json",
    );
    const { value, problems } = parseAddresses(document, () => undefined);
    expect(value).toEqual([]);
    expect(problems).toEqual([
      {
        file: "aws/ec2-describe-addresses.json",
        line: 9,
        column: 9,
        message: "unexpected shape at Addresses[1].PublicIp: missing (expected string)",
        hint: "this file should be the output of `aws ec2 describe-addresses --output json`",
        severity: "error",
      },
    ]);
  });
});
