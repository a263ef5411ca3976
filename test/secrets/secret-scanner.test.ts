import { describe, expect, it } from "vitest";
import { scanSecrets } from "../../src/adapters/secrets/secret-scanner.js";
import { maskSecret } from "../../src/core/validate/secret-patterns.js";
import { PLANTED } from "./planted.js";

// The scanner adapter against real secretlint: span repairs, kinds, lines, de-duplication and
// the preset options it relies on. Credentials come from the planted corpus (never literals).

const planted = (kind: string): string => {
  const found = PLANTED.find((s) => s.kind === kind);
  if (found === undefined) throw new Error(`no planted ${kind}`);
  return found.value;
};

/** Hits in one text as [ruleId, kind, line, value]. */
async function scanOne(text: string): Promise<[string, string, number, string][]> {
  const hits = await scanSecrets([{ report: "acme/2026-10/cto", output: "html", text }]);
  return hits.map((h) => [h.ruleId, h.kind, h.line, h.value]);
}

describe("scanSecrets", () => {
  it("catches AWS access key ids (the preset's ID scan is switched on)", async () => {
    const id = planted("AWS access key ID");
    expect(await scanOne(`first line\nkey id ${id} in the README`)).toEqual([
      ["@secretlint/secretlint-rule-aws", "AWS access key ID", 2, id],
    ]);
  });

  it("takes an AWS secret key's value from after `aws_secret_access_key=`, not the rule's raw range", async () => {
    const key = planted("AWS secret access key");
    expect(await scanOne(`[default]\naws_secret_access_key = ${key}\n`)).toEqual([
      ["@secretlint/secretlint-rule-aws", "AWS secret access key", 2, key],
    ]);
  });

  it("ends a URL credential at the markup around it", async () => {
    const url = planted("MySQL URL with a password");
    expect(await scanOne(`<td class="x">${url}</td><td>next</td>`)).toEqual([
      [
        "@secretlint/secretlint-rule-database-connection-string",
        "database URL with a password",
        1,
        url,
      ],
    ]);
  });

  it("keeps the most specific of overlapping hits: a Stripe key, not a high-entropy token", async () => {
    const key = planted("Stripe live restricted key");
    expect(await scanOne(`STRIPE_RESTRICTED_KEY=${key}`)).toEqual([
      ["exec-intel/stripe", "Stripe live restricted key", 1, key],
    ]);
  });

  it("names GitHub and Slack tokens and PEM keys by their own kind", async () => {
    const kinds = [
      "GitHub personal access token",
      "GitHub fine-grained access token",
      "Slack bot token",
      "RSA private key",
      "OpenSSH private key",
    ];
    const text = kinds.map((k) => `${k}: ${planted(k)}`).join("\n\n");
    expect((await scanOne(text)).map(([, kind]) => kind)).toEqual(kinds);
  });

  it("cannot be switched off by a secretlint-disable comment in the data", async () => {
    const token = planted("GitHub OAuth token");
    // secretlint itself must still report it (our generic detector alone would say "token").
    expect(
      await scanOne(`<!-- secretlint-disable -->\n${token}\n<!-- secretlint-enable -->`),
    ).toEqual([["@secretlint/secretlint-rule-github", "GitHub OAuth token", 2, token]]);
  });

  it("carries each item's report and output, with the masked fingerprint of the value", async () => {
    const key = planted("Google API key");
    const hits = await scanSecrets([
      { report: "acme/2026-10/cmo", output: "text", text: `maps: ${key}` },
      { report: "log", output: "log", text: "nothing here\n" },
      { report: "acme/2026-10/cmo", output: "json", text: `{\n  "key": "${key}"\n}` },
    ]);
    expect(hits.map((h) => [h.report, h.output, h.line, h.fingerprint])).toEqual([
      ["acme/2026-10/cmo", "text", 1, maskSecret(key)],
      ["acme/2026-10/cmo", "json", 2, maskSecret(key)],
    ]);
  });
});

describe("secretRulesFingerprint", () => {
  it("names the preset's version and hashes our detectors' code, so a changed rule shows", async () => {
    const { createHash } = await import("node:crypto");
    const { readFileSync } = await import("node:fs");
    const { fileURLToPath } = await import("node:url");
    const { DETECTORS_MODULE_URL } = await import("../../src/core/validate/secret-patterns.js");
    const { secretRulesFingerprint } = await import("../../src/adapters/secrets/secret-scanner.js");
    const code = readFileSync(fileURLToPath(DETECTORS_MODULE_URL));
    const hash = createHash("sha256").update(code).digest("hex").slice(0, 12);
    expect(secretRulesFingerprint()).toMatch(
      new RegExp(`^secretlint-preset \\d+\\.\\d+\\.\\d+, detectors ${hash}$`),
    );
  });
});
