import { describe, expect, it } from "vitest";
import { noise, secretHit } from "../../../test/secrets/fixtures.js";
import type { TenantConfig } from "../config.js";
import type { ReportDocument } from "../reports/document.js";
import { credentialsGate } from "./credentials.js";
import { maskSecret, secretHash } from "./secret-patterns.js";
import type { GateInput, SecretHit } from "./types.js";

const AWS_SECRET = `${noise("aws", 20)}/${noise("aws2", 19)}`;
const STRIPE = `sk_live_${noise("stripe", 24)}`;
const DB_URL = `postgres://crew:${noise("pw", 16)}@db.example.net:5432`;

const hit = (value: string, over: Partial<SecretHit> = {}) =>
  secretHit(value, { kind: "AWS secret access key", line: 412, ...over });

const cto = (
  evidence = `Known issue (high): the AWS secret ${AWS_SECRET} is in the README`,
): ReportDocument => ({
  id: "acme/2026-10/cto",
  tenant: { id: "acme", name: "Acme" },
  period: "2026-10",
  role: "cto",
  title: "CTO report",
  subject: "CTO · Oct 2026",
  sources: [],
  sections: [
    {
      id: "security-gaps",
      title: "Security gaps",
      freshness: { status: "fresh", sources: ["handoffs"] },
      blocks: [
        {
          type: "findings",
          emptyText: "none",
          findings: [
            {
              fingerprint: "tech-security-gap:x",
              ruleId: "tech-security-gap",
              category: "security-gap",
              title: "Acme: a key in the README",
              severity: "high",
              roles: ["cto"],
              evidence: [
                {
                  text: evidence,
                  source: { sourceId: "handoffs", file: "data/handoffs/acme.md", line: 14 },
                },
              ],
              action: "Rotate it.",
              effort: 1,
              impact: 3,
            },
          ],
        },
      ],
    },
  ],
});

function input(
  secrets: SecretHit[],
  allowSecrets: GateInput["settings"]["allowSecrets"] = [],
  document = cto(),
) {
  return {
    tenant: { id: "acme", roles: {} } as unknown as TenantConfig,
    period: "2026-10",
    sources: [],
    reports: [{ document, outputs: [], htmlBytes: 1, messageBytes: 1, recipientsPerMessage: 1 }],
    secrets,
    settings: {
      downgrade: [],
      allowSecrets,
      sourceBlockAfterDays: {},
      limits: { htmlBytes: 1, messageBytes: 1, subjectChars: 1, recipients: 1 },
    },
  } satisfies GateInput;
}

/** Every 8-character window of a value: none may appear in what the gate prints. */
function windows(value: string): string[] {
  return Array.from({ length: value.length - 7 }, (_, i) => value.slice(i, i + 8));
}

describe("credentialsGate", () => {
  it("passes a batch without secrets", () => {
    expect(credentialsGate(input([]))).toEqual([]);
  });

  it("names kind, report, output, line and masked fingerprint, with the section and the source to fix", () => {
    const [problem, ...rest] = credentialsGate(input([hit(AWS_SECRET)]));
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      gate: "credentials",
      report: "acme/2026-10/cto",
      section: "security-gaps",
      message: `AWS secret access key in the cto report's html, line 412 (${maskSecret(AWS_SECRET)})`,
      fix: expect.stringContaining("data/handoffs/acme.md:14"),
    });
    expect(problem?.fix).toContain("rotate it");
    expect(problem?.fix).toContain(
      `validation.allowSecrets with fingerprint: "${secretHash(AWS_SECRET)}"`,
    );
  });

  it("never puts any part of a value longer than its mask into a message or a fix", () => {
    const hits = [
      hit(AWS_SECRET),
      hit(STRIPE, { kind: "Stripe live secret key", output: "text", line: 3 }),
      hit(DB_URL, { kind: "database URL with a password", report: "log", output: "log", line: 1 }),
    ];
    const problems = credentialsGate(input(hits));
    expect(problems).toHaveLength(3);
    const printed = JSON.stringify(problems);
    for (const { value } of hits) for (const w of windows(value)) expect(printed).not.toContain(w);
    expect(problems.map((p) => p.message)).toContain(
      `database URL with a password in the run's log, line 1 (${maskSecret(DB_URL)})`,
    );
  });

  it("reports one secret once per report, listing every output and line it sits in", () => {
    const stripe = (over: Partial<SecretHit>) =>
      hit(STRIPE, { kind: "Stripe live secret key", ...over });
    const problems = credentialsGate(
      input([
        stripe({ output: "html", line: 40 }),
        stripe({ output: "html", line: 40 }),
        stripe({ output: "html", line: 52 }),
        stripe({ output: "text", line: 9 }),
        stripe({ report: "acme/2026-10/ceo", line: 7 }),
      ]),
    );
    expect(problems.map((p) => p.message)).toEqual([
      `Stripe live secret key in the cto report's html, lines 40, 52; text, line 9 (${maskSecret(STRIPE)})`,
      `Stripe live secret key in the ceo report's html, line 7 (${maskSecret(STRIPE)})`,
    ]);
  });

  it("gives a key wrapped in the text and escaped in the JSON one fingerprint and finds its source", () => {
    const pem = `-----BEGIN EC PRIVATE KEY-----\nMHcC${noise("pem", 60)}\n-----END EC PRIVATE KEY-----`;
    const wrapped = pem.replace("BEGIN EC PRIVATE", "BEGIN EC\n     PRIVATE");
    const escaped = pem.replaceAll("\n", "\\n");
    const gateInput = input(
      [
        hit(wrapped, { kind: "EC private key", output: "text", line: 30 }),
        hit(escaped, { kind: "EC private key", output: "json", line: 12 }),
      ],
      [],
      cto(`Known issue: ${pem.replaceAll("\n", " ")}`),
    );
    const problems = credentialsGate(gateInput);
    expect(maskSecret(wrapped)).toBe(maskSecret(escaped));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe(
      `EC private key in the cto report's text, line 30; json, line 12 (${maskSecret(pem)})`,
    );
    expect(problems[0]?.section).toBe("security-gaps");
    expect(problems[0]?.fix).toContain("data/handoffs/acme.md:14");
  });

  it("lets an allowed secret through by fingerprint or by pattern, and nothing else", () => {
    const hits = [hit(AWS_SECRET), hit(STRIPE, { kind: "Stripe live secret key" })];
    expect(
      credentialsGate(input(hits, [{ fingerprint: secretHash(AWS_SECRET), reason: "docs" }])).map(
        (p) => p.message.split(" in ")[0],
      ),
    ).toEqual(["Stripe live secret key"]);
    expect(
      credentialsGate(input(hits, [{ pattern: "^sk_live_", reason: "test account" }])),
    ).toHaveLength(1);
    expect(
      credentialsGate(
        input(hits, [
          { fingerprint: secretHash(AWS_SECRET), reason: "docs" },
          { pattern: "^sk_live_", reason: "test" },
        ]),
      ),
    ).toEqual([]);
  });

  it("fails closed on an invalid allow pattern", () => {
    expect(credentialsGate(input([hit(STRIPE)], [{ pattern: "([", reason: "typo" }]))).toHaveLength(
      1,
    );
  });
});
