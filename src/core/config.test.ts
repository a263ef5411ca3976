import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateConfig } from "./config.js";
import { configSchemaText } from "./config-json-schema.js";
import { interpolateVariables, parseLocatedYaml } from "./yaml-document.js";

const VALID = `version: 1
tenants:
  - id: portfolio
    name: Portfolio
    entities:
      - { id: jada, name: JADA, kind: business }
    roles:
      ceo:
        recipients: [{ name: Owner, email: "\${OWNER_EMAIL}" }]
    sources:
      - id: bank
        type: ledger
        path: data/bank.csv
        entity: jada
        account: assets:bank
        dateFormat: MM/DD/YYYY
        columns: { date: Date, description: Description, amount: Amount }
`;

function load(text: string, env: Record<string, string> = { OWNER_EMAIL: "owner@example.com" }) {
  const { yaml, problems } = parseLocatedYaml(text, "exec-intel.yaml");
  if (problems.length > 0) return { config: undefined, problems };
  const missing = interpolateVariables(yaml, env);
  if (missing.length > 0) return { config: undefined, problems: missing };
  return validateConfig(yaml.document.toJS(), yaml);
}

describe("validateConfig", () => {
  it("accepts a valid config, fills defaults and interpolates variables", () => {
    const { config, problems } = load(VALID);
    expect(problems).toEqual([]);
    expect(config?.stateDir).toBe(".exec-intel");
    expect(config?.transport).toEqual({
      driver: "outbox",
      from: { name: "exec-intel", email: "reports@example.com" },
      ses: {},
      concurrency: 8,
      retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 },
      uncertain: "resend",
    });
    expect(config?.render).toEqual({ pdf: "auto", paper: "A4" });
    expect(config?.tenants[0]?.roles.ceo?.recipients[0]?.email).toBe("owner@example.com");
    expect(config?.tenants[0]?.sources[0]).toMatchObject({
      sign: "as-is",
      onBadRow: "fail",
      currency: "USD",
    });
  });

  it("names an unset variable, the key using it and its line", () => {
    const { problems } = load(VALID, {});
    expect(problems).toMatchObject([
      {
        line: 9,
        message:
          'environment variable OWNER_EMAIL is not set (used by "tenants.0.roles.ceo.recipients.0.email")',
      },
    ]);
  });

  it("reports every schema problem at once, each with line and column", () => {
    const broken = VALID.replace("kind: business", "kind: shop")
      .replace("dateFormat: MM/DD/YYYY", "dateFormat: MM-DD-YY")
      .replace("version: 1", "version: 1\ncolour: blue");
    const { problems } = load(broken);
    expect(problems.map((p) => [p.line, p.message.split(":")[0]])).toEqual([
      [1, "(top level)"],
      [7, "tenants.0.entities.0.kind"],
      [17, "tenants.0.sources.0.dateFormat"],
    ]);
    expect(problems.every((p) => p.column !== undefined && p.hint !== undefined)).toBe(true);
    expect(problems[0]?.message).toContain('unknown key "colour"');
  });

  it("finds duplicates, unknown entities and bad patterns across the config", () => {
    const text = `${VALID.replace("entity: jada", "entity: jadaa")}        onBadRow: fail
      - id: bank
        type: handoffs
        path: data/handoffs
    categories:
      - { match: "fuel(", account: expenses:fuel }
`;
    const { problems } = load(text);
    expect(problems.map((p) => p.message)).toEqual([
      'unknown entity "jadaa"',
      'duplicate source id "bank"',
      expect.stringContaining("invalid regular expression"),
    ]);
    expect(problems.map((p) => p.line)).toEqual([14, 19, 23]);
    expect(problems[1]?.column).toBe(13);
  });

  it("checks that every role names a report and every domain report an entity of its kind", () => {
    const roles = `    roles:
      ceo:
        recipients: []
      landlord:
        recipients: []
      manager:
        report: rental-property
      deliveries:
        report: yacht-delivery
        entity: jada
      cto:
        entity: jada
`;
    const text = VALID.replace(/ {4}roles:\n(?: {6}.*\n| {8}.*\n)+/, roles).replace(
      "      - { id: jada, name: JADA, kind: business }",
      "      - { id: jada, name: JADA, kind: business }\n      - { id: a, name: Flat A, kind: property }\n      - { id: b, name: Flat B, kind: property }",
    );
    const { problems } = load(text);
    expect(problems.map((p) => [p.line, p.message, p.hint])).toEqual([
      [
        13,
        'role "landlord" names no report',
        "add `report:` with one of: ceo, cto, accounting, cmo, cfo, rental-property, yacht-delivery, billing-audit",
      ],
      [
        15,
        "the rental-property report needs to know which of a, b it covers",
        "add `entity:` to the role",
      ],
      [
        18,
        'the yacht-delivery report covers an entity of kind service; "jada" is business',
        "use one of: (none: add an entity of kind service)",
      ],
      [20, "the cto report covers every entity", "remove `entity`"],
    ]);
  });

  it("reports YAML syntax errors with line and column", () => {
    const { problems } = load("version: 1\ntenants:\n  - id: a\n   name: bad indent\n");
    expect(problems[0]).toMatchObject({ file: "exec-intel.yaml", line: 4 });
    expect(problems[0]?.message).toMatch(/^YAML syntax/);
  });
});

describe("editor JSON Schema", () => {
  it("is in sync with the zod schema (run `npm run schema` after changing config.ts)", () => {
    const committed = readFileSync(
      new URL("../../schema/exec-intel.schema.json", import.meta.url),
      "utf8",
    );
    expect(committed).toBe(configSchemaText());
  });
});
