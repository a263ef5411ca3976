import { describe, expect, it } from "vitest";
import { detectStack, isStackManifest } from "./stack-detection.js";

const PERIOD_END = "2026-10-31";

/** Stack of a tree given as path → text (empty text: a file whose content is not read). */
function stackOf(tree: Record<string, string>) {
  const files = Object.keys(tree);
  const texts = new Map(files.filter(isStackManifest).map((p) => [p, tree[p] as string]));
  return detectStack(files, texts, PERIOD_END);
}

const tech = (stack: ReturnType<typeof stackOf>) =>
  Object.fromEntries(stack.map((s) => [s.technology, s.version ?? null]));

describe("detectStack", () => {
  it("reads package.json: the node engine and known frameworks, with end of life", () => {
    const stack = stackOf({
      "package.json": JSON.stringify({
        engines: { node: "14.x" },
        dependencies: { express: "^4.18.2", stripe: "^12.1.0", lodash: "^4.17.21" },
        devDependencies: { typescript: "~5.4.0" },
      }),
      "src/index.ts": "",
    });
    expect(stack).toContainEqual({
      technology: "Node.js",
      kind: "runtime",
      version: "14.x",
      evidence: "package.json",
      endOfLife: { since: "2023-04-30", note: "Node.js 14 reached end of life on 2023-04-30" },
    });
    expect(tech(stack)).toEqual({
      "Node.js": "14.x",
      Express: "^4.18.2",
      Stripe: "^12.1.0",
      TypeScript: "~5.4.0",
    });
  });

  it("prefers .nvmrc's exact version to package.json's missing one", () => {
    const stack = stackOf({
      "package.json": JSON.stringify({ dependencies: { next: "13.4.0", react: "18.2.0" } }),
      ".nvmrc": "v16.20.2\n",
    });
    expect(stack.find((s) => s.technology === "Node.js")).toMatchObject({
      version: "16.20.2",
      evidence: ".nvmrc",
      endOfLife: { since: "2023-09-11" },
    });
    expect(tech(stack)).toMatchObject({ "Next.js": "13.4.0", React: "18.2.0" });
  });

  it("reads Ruby and Rails from Gemfile.lock before Gemfile, and .ruby-version first", () => {
    const gemfile = `source "https://rubygems.org"\nruby "2.7.2"\ngem "rails", "~> 6.0.3"\ngem "pg"\n`;
    const lock = [
      "GEM",
      "  remote: https://rubygems.org/",
      "  specs:",
      "    pg (1.2.3)",
      "    rails (6.0.6)",
      "      actionpack (= 6.0.6)",
      "",
      "RUBY VERSION",
      "   ruby 2.7.2p137",
      "",
    ].join("\n");
    const stack = stackOf({ Gemfile: gemfile, "Gemfile.lock": lock });
    expect(stack.find((s) => s.technology === "Rails")).toMatchObject({
      version: "6.0.6",
      evidence: "Gemfile.lock",
      endOfLife: { since: "2023-06-01" },
    });
    expect(stack.find((s) => s.technology === "Ruby")).toMatchObject({
      kind: "runtime",
      version: "2.7.2p137",
      endOfLife: { since: "2023-03-31" },
    });
    // The pg gem's version is the client's, not the database server's.
    expect(stack.find((s) => s.technology === "PostgreSQL")).toEqual({
      technology: "PostgreSQL",
      kind: "platform",
      evidence: "Gemfile.lock",
    });
    const withVersionFile = stackOf({ Gemfile: gemfile, ".ruby-version": "ruby-3.0.6\n" });
    expect(withVersionFile.find((s) => s.technology === "Ruby")).toMatchObject({
      version: "3.0.6",
      evidence: ".ruby-version",
    });
  });

  it("reads Apps Script's runtime, and flags the Rhino runtime", () => {
    const old = stackOf({
      "appsscript.json": JSON.stringify({
        timeZone: "America/Los_Angeles",
        runtimeVersion: "DEPRECATED_ES5",
      }),
      "Code.gs": "",
    });
    expect(old).toEqual([
      {
        technology: "Apps Script",
        kind: "platform",
        version: "DEPRECATED_ES5",
        evidence: "appsscript.json",
        endOfLife: {
          since: "2026-01-31",
          note: "Apps Script DEPRECATED_ES5 reached end of life on 2026-01-31",
        },
      },
    ]);
    expect(stackOf({ "appsscript.json": '{"runtimeVersion":"V8"}' })).toEqual([
      { technology: "Apps Script", kind: "platform", version: "V8", evidence: "appsscript.json" },
    ]);
  });

  it("reads serverless, SAM and CDK templates with their Lambda runtimes", () => {
    expect(
      tech(
        stackOf({
          "serverless.yml": "service: api\nprovider:\n  name: aws\n  runtime: nodejs12.x\n",
        }),
      ),
    ).toEqual({ "Serverless Framework": null, "Node.js": "12" });
    const sam = [
      "AWSTemplateFormatVersion: '2010-09-09'",
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  Fn:",
      "    Type: AWS::Serverless::Function",
      "    Properties:",
      "      Runtime: python3.8",
      "      Handler: app.handler",
    ].join("\n");
    const samStack = stackOf({ "template.yaml": sam });
    expect(tech(samStack)).toEqual({ "AWS SAM": null, Python: "3.8" });
    expect(samStack.find((s) => s.technology === "Python")?.endOfLife?.since).toBe("2024-10-07");
    // A CloudFormation template without the SAM transform is not SAM.
    expect(
      stackOf({ "template.yaml": "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n" }),
    ).toEqual([]);
    expect(tech(stackOf({ "cdk.json": "{}" }))).toEqual({ "AWS CDK": null });
  });

  it("reads Dockerfile base images, skipping build stages and scratch", () => {
    const stack = stackOf({
      Dockerfile:
        "FROM --platform=linux/amd64 node:14-alpine AS build\nRUN npm ci\nFROM build AS test\nFROM nginx:1.25\nFROM scratch\n",
      "docker-compose.yml": "services:\n  db:\n    image: postgres:11\n",
    });
    expect(stack.filter((s) => s.kind === "container").map((s) => s.version)).toEqual([
      "node:14-alpine",
      "nginx:1.25",
      "postgres:11",
    ]);
    expect(stack.find((s) => s.technology === "Node.js")?.version).toBe("14-alpine");
    expect(stack.find((s) => s.technology === "PostgreSQL")).toMatchObject({
      version: "11",
      evidence: "docker-compose.yml",
      endOfLife: { since: "2023-11-09" },
    });
  });

  it("reads Terraform's required version and providers", () => {
    const tf = `terraform {\n  required_version = ">= 1.5.0"\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\nprovider "cloudflare" {}\n`;
    expect(tech(stackOf({ "infra/main.tf": tf }))).toEqual({
      Terraform: ">= 1.5.0",
      "Terraform provider cloudflare": null,
      "Terraform provider aws": null,
    });
  });

  it("reads Python from requirements.txt and pyproject.toml", () => {
    expect(
      tech(stackOf({ "requirements.txt": "Django==3.2.19\ngunicorn>=20\n# flask\n" })),
    ).toEqual({
      Python: null,
      Django: "==3.2.19",
    });
    const pyproject = `[project]\nname = "shop"\nrequires-python = ">=3.7"\ndependencies = ["fastapi>=0.100", "uvicorn"]\n`;
    const stack = stackOf({ "pyproject.toml": pyproject });
    expect(tech(stack)).toEqual({ Python: ">=3.7", FastAPI: ">=0.100" });
    expect(stack.find((s) => s.technology === "Python")).toMatchObject({
      kind: "runtime",
      endOfLife: { since: "2023-06-27" },
    });
  });

  it("calls a root index.html with no server framework a static site", () => {
    expect(stackOf({ "index.html": "", "css/site.css": "" })).toEqual([
      { technology: "Static site", kind: "static-site", evidence: "index.html" },
    ]);
    const app = stackOf({
      "index.html": "",
      "package.json": JSON.stringify({ dependencies: { express: "4.18.2" } }),
    });
    expect(app.some((s) => s.kind === "static-site")).toBe(false);
    expect(stackOf({ "docs/index.html": "" })).toEqual([]);
  });

  it("ignores vendored manifests and unparseable ones", () => {
    expect(isStackManifest("node_modules/express/package.json")).toBe(false);
    expect(isStackManifest("services/api/package.json")).toBe(true);
    expect(isStackManifest("README.md")).toBe(false);
    expect(stackOf({ "package.json": "{ not json" })).toEqual([]);
  });
});
