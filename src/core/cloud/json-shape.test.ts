import { describe, expect, it } from "vitest";
import { z } from "zod";
import { cliJson } from "../../../test/helpers/aws-json.js";
import { readShape } from "./json-shape.js";

const schema = z.object({
  Functions: z.array(
    z.object({
      FunctionName: z.string(),
      MemorySize: z.number().int(),
      PackageType: z.enum(["Zip", "Image"]).optional(),
    }),
  ),
});
const COMMAND = "aws lambda list-functions --output json";

describe("readShape", () => {
  it("returns the value when the shape fits", () => {
    const document = cliJson({ Functions: [{ FunctionName: "f", MemorySize: 128, Extra: 1 }] });
    expect(readShape(document, schema, COMMAND)).toEqual({
      value: { Functions: [{ FunctionName: "f", MemorySize: 128 }] },
      problems: [],
    });
  });

  it("names the file, the line, the JSON path and the command", () => {
    const document = cliJson({
      Functions: [
        { FunctionName: "a", MemorySize: 128 },
        { FunctionName: "b", MemorySize: "big" },
      ],
    });
    const { value, problems } = readShape(document, schema, COMMAND);
    expect(value).toBeUndefined();
    expect(problems).toEqual([
      {
        file: "aws/x.json",
        line: 9,
        column: 27,
        message: "unexpected shape at Functions[1].MemorySize: expected number, found a string",
        hint: "this file should be the output of `aws lambda list-functions --output json`",
        severity: "error",
      },
    ]);
    // Only the kind of the value is told, never the value.
    expect(JSON.stringify(problems)).not.toContain("big");
  });

  it("says what is missing and what values are allowed", () => {
    const document = cliJson({ Functions: [{ MemorySize: 128, PackageType: "Jar" }] });
    const messages = readShape(document, schema, COMMAND).problems.map((p) => p.message);
    expect(messages).toEqual([
      "unexpected shape at Functions[0].FunctionName: missing (expected string)",
      'unexpected shape at Functions[0].PackageType: must be one of "Zip", "Image"',
    ]);
  });

  it("flags a file of the wrong command at the top level", () => {
    const { problems } = readShape(cliJson({ Buckets: [] }), schema, COMMAND);
    expect(problems[0]).toMatchObject({
      line: 1,
      message: "unexpected shape at Functions: missing (expected array)",
    });
  });

  it("caps the problems of one file", () => {
    const document = cliJson({ Functions: Array.from({ length: 9 }, () => ({})) });
    const { problems } = readShape(document, schema, COMMAND);
    expect(problems).toHaveLength(6);
    expect(problems[5]?.message).toBe("13 more shape problems in this file");
  });
});
