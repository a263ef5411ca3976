import { describe, expect, it } from "vitest";
import { cliJson } from "../../../test/helpers/aws-json.js";
import { entityLookup, functionKey } from "./entity-assignment.js";
import { parseFunctions } from "./lambda-functions.js";

function fn(name: string, extra: Record<string, unknown>) {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-west-2:123456789012:function:${name}`,
    Role: "arn:aws:iam::123456789012:role/service-role/fn-role",
    Handler: "index.handler",
    CodeSize: 48213,
    Description: "",
    Timeout: 10,
    LastModified: "2026-04-02T19:12:44.000+0000",
    CodeSha256: "dBG9m8SGdmlEjw/JYXlhhvCrAv5TxvXsbL/RMr0fT/I=",
    Version: "$LATEST",
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: "1718e831-badf-4253-9518-d0644210af7b",
    PackageType: "Zip",
    Architectures: ["x86_64"],
    EphemeralStorage: { Size: 512 },
    ...extra,
  };
}

describe("parseFunctions", () => {
  // Built at run time so no credential-shaped literal sits in the repository.
  const planted = ["sk", "live", "51Hq", "Zz0PLANTED0Value"].join("_");
  const document = cliJson({
    Functions: [
      fn("checkout", {
        Runtime: "nodejs18.x",
        MemorySize: 1024,
        Environment: {
          Variables: { STRIPE_SECRET_KEY: planted, TABLE_NAME: "bookings", JWT_SECRET: planted },
        },
      }),
      fn("resize", { Runtime: "python3.12", MemorySize: 256 }),
      fn("render", { PackageType: "Image", MemorySize: 2048 }),
      fn("legacy", { Runtime: "nodejs16.x" }),
    ],
  });
  const entityOf = entityLookup(new Map([[functionKey("resize"), "beta"]]), "alpha");

  it("maps name, runtime, memory and only the secret-like variable names", () => {
    expect(parseFunctions(document, entityOf)).toEqual({
      value: [
        {
          name: "checkout",
          entity: "alpha",
          runtime: "nodejs18.x",
          memoryMb: 1024,
          secretLikeEnvNames: ["JWT_SECRET", "STRIPE_SECRET_KEY"],
        },
        {
          name: "resize",
          entity: "beta",
          runtime: "python3.12",
          memoryMb: 256,
          secretLikeEnvNames: [],
        },
        {
          name: "render",
          entity: "alpha",
          runtime: "container-image",
          memoryMb: 2048,
          secretLikeEnvNames: [],
        },
        {
          name: "legacy",
          entity: "alpha",
          runtime: "nodejs16.x",
          memoryMb: 128,
          secretLikeEnvNames: [],
        },
      ],
      problems: [],
    });
  });

  it("never carries a variable's value", () => {
    expect(JSON.stringify(parseFunctions(document, entityOf))).not.toContain(planted);
  });

  it("reports variables that are not an object without quoting them", () => {
    const bad = cliJson({
      Functions: [fn("x", { Runtime: "nodejs20.x", Environment: { Variables: planted } })],
    });
    const { problems } = parseFunctions(bad, entityOf);
    expect(problems[0]?.message).toBe(
      "unexpected shape at Functions[0].Environment.Variables: expected record, found a string",
    );
    expect(JSON.stringify(problems)).not.toContain(planted);
  });
});
