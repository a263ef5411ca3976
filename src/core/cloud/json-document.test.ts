import { describe, expect, it } from "vitest";
import { formatJsonPath, locateJsonPath, parseJsonDocument, valueAtPath } from "./json-document.js";

const parse = (text: string) => parseJsonDocument(text, "aws/x.json");

describe("parseJsonDocument", () => {
  it("parses valid JSON", () => {
    const { document, problems } = parse('{\n    "Account": "123456789012"\n}\n');
    expect(problems).toEqual([]);
    expect(document?.value).toEqual({ Account: "123456789012" });
  });

  it.each([
    ['{\n    "a": 1\n    "b": 2\n}', 3, 5, 'expected "," or "}" after a property value'],
    ['{\n  "a": [1, 2,]\n}', 2, 14, "trailing comma before ]"],
    ['{\n  "a": 1,\n}', 3, 1, "trailing comma before }"],
    ['{\n  "a": "never closed\n}', 2, 21, "control character"],
    ['{\n  "a": "never closed', 2, 8, "a string is never closed"],
    ['{\n  "a": [1, 2', 2, 13, "unexpected end of file"],
    ["{'a': 1}", 1, 2, "expected a property name in quotes"],
    ['{"a": 01}', 1, 8, 'expected "," or "}"'],
    ['{"a": 1} x', 1, 10, "unexpected content after the end"],
    ['{"a": "\\x"}', 1, 8, "invalid escape"],
  ])("locates the syntax error in %j", (text, line, column, message) => {
    const { document, problems } = parse(text);
    expect(document).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "aws/x.json", line, column, severity: "error" });
    expect(problems[0]?.message).toContain(message);
    expect(problems[0]?.hint).toContain("--output json");
  });

  it("never quotes the text around a syntax error", () => {
    const planted = ["sk", "live", "4eC39HqLyjWDarjtT1zdp7dc"].join("_");
    const { problems } = parse(`{\n  "Variables": {\n    "KEY": ${planted}\n  }\n}`);
    expect(problems[0]).toMatchObject({ line: 3, message: "malformed JSON: unexpected character" });
    expect(JSON.stringify(problems)).not.toContain(planted.slice(0, 8));
  });

  it("reports an empty file", () => {
    expect(parse("  \n").problems[0]).toMatchObject({ line: 1, message: "file is empty" });
  });

  it("turns absurd nesting into a problem, not a stack overflow", () => {
    const { problems } = parse("[".repeat(100_000));
    expect(problems[0]?.message).toBe("malformed JSON: nested too deeply");
  });
});

describe("locateJsonPath", () => {
  const text = [
    "{",
    '    "DistributionList": {',
    '        "Items": [',
    '            { "Id": "A" },',
    "            {",
    '                "Id": 7',
    "            }",
    "        ]",
    "    }",
    "}",
  ].join("\n");
  const document = { file: "f.json", text, value: JSON.parse(text) };

  it("finds the line of a nested value", () => {
    expect(locateJsonPath(document, ["DistributionList", "Items", 1, "Id"])).toEqual({
      line: 6,
      column: 23,
    });
    expect(locateJsonPath(document, ["DistributionList", "Items", 0])).toEqual({
      line: 4,
      column: 13,
    });
  });

  it("falls back to the nearest ancestor of a missing value", () => {
    expect(locateJsonPath(document, ["DistributionList", "Items", 1, "DomainName"]).line).toBe(5);
    expect(locateJsonPath(document, ["Nope"]).line).toBe(1);
  });
});

describe("paths", () => {
  it("formats a path as a query would spell it", () => {
    expect(formatJsonPath(["DistributionList", "Items", 0, "Id"])).toBe(
      "DistributionList.Items[0].Id",
    );
    expect(formatJsonPath([])).toBe("(top level)");
  });

  it("reads the value at a path", () => {
    expect(valueAtPath({ a: [{ b: 2 }] }, ["a", 0, "b"])).toBe(2);
    expect(valueAtPath({ a: 1 }, ["a", "b"])).toBeUndefined();
  });
});
