import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { noise } from "../../../test/secrets/fixtures.js";
import {
  canonicalSecret,
  dedupeMatches,
  findSecrets,
  HIGH_ENTROPY_RULE,
  isHighEntropyToken,
  isJwt,
  lineLocator,
  maskSecret,
  privateKeyKind,
  type SecretMatch,
  secretHash,
  shannonEntropy,
} from "./secret-patterns.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The single match of a text, as [ruleId, kind, matched text]. */
function only(text: string): [string, string, string] | undefined {
  const matches = dedupeMatches(findSecrets(text));
  expect(matches.length, `${matches.length} matches in ${text}`).toBeLessThanOrEqual(1);
  const [m] = matches;
  return m === undefined ? undefined : [m.ruleId, m.kind, text.slice(m.start, m.end)];
}

describe("findSecrets: vendor formats secretlint's preset lacks", () => {
  it.each([
    ["sk_live_", "Stripe live secret key"],
    ["rk_live_", "Stripe live restricted key"],
    ["sk_test_", "Stripe test secret key"],
    ["rk_test_", "Stripe test restricted key"],
  ])("finds a %s key as a %s", (prefix, kind) => {
    const key = `${prefix}51${noise(prefix, 40)}`;
    expect(only(`the old key ${key}, still in git`)).toEqual(["exec-intel/stripe", kind, key]);
  });

  it("finds a signed JWT whose header decodes to JSON with alg, and nothing else shaped like one", () => {
    const token = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: "crew" })}.${noise("sig", 43)}`;
    expect(isJwt(token)).toBe(true);
    expect(only(`Authorization: Bearer ${token}`)).toEqual([
      "exec-intel/jwt",
      "JSON Web Token",
      token,
    ]);
    const noAlg = `${b64({ typ: "JWT" })}.${b64({ sub: "crew" })}.${noise("sig", 43)}`;
    expect(isJwt(noAlg)).toBe(false);
    expect(findSecrets(noAlg).filter((m) => m.ruleId === "exec-intel/jwt")).toEqual([]);
  });

  it("finds Google API keys, Square tokens, Twilio and Mailchimp keys and Stripe webhook secrets", () => {
    const google = `AIza${noise("g", 35)}`;
    expect(only(`maps key=${google}`)?.slice(0, 2)).toEqual([
      "exec-intel/google-api-key",
      "Google API key",
    ]);
    expect(only(`EAAA${noise("sq", 60)}`)?.[1]).toBe("Square access token");
    expect(only(`sq0csp-${noise("sqs", 43)}`)?.[1]).toBe("Square application secret");
    const hex = createHash("sha256").update("t").digest("hex").slice(0, 32);
    expect(only(`SK${hex}`)?.[1]).toBe("Twilio API key");
    expect(only(`${hex}-us21`)?.[1]).toBe("Mailchimp API key");
    expect(only(`whsec_${noise("wh", 32)}`)?.[1]).toBe("Stripe webhook signing secret");
  });

  it("finds Slack workflow webhooks, which the preset's services-only rule misses", () => {
    const url = `https://hooks.slack.com/workflows/T${noise("t", 10)}/A${noise("a", 10)}/123456789012345678/${noise("s", 24)}`;
    expect(only(`post to ${url} daily`)).toEqual([
      "exec-intel/slack-webhook",
      "Slack webhook URL",
      url,
    ]);
  });

  it("finds an AWS secret access key by the words around it", () => {
    const key = noise("aws", 40, /[^A-Za-z0-9/+]/g);
    expect(only(`the AWS secret is ${key} (root user)`)).toEqual([
      "exec-intel/aws-secret-key",
      "AWS secret access key",
      key,
    ]);
  });

  it("finds PEM private keys the preset misses (SEC1 EC keys, a cut-off footer, JSON escapes)", () => {
    const body = `MHcCAQEEI${noise("ec", 151)}`.match(/.{1,64}/g)?.join("\n") ?? "";
    const ec = `-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END EC PRIVATE KEY-----`;
    expect(only(`key:\n${ec}\nend`)).toEqual(["exec-intel/private-key", "EC private key", ec]);
    const cut = `-----BEGIN PRIVATE KEY----- MIIEvQ${noise("cut", 80)}…`;
    expect(only(cut)?.[2]).toBe(cut.slice(0, -1));
    const wrapped = ec.replace("BEGIN EC PRIVATE", "BEGIN EC\n    PRIVATE");
    expect(only(`  ${wrapped}`)).toEqual(["exec-intel/private-key", "EC private key", wrapped]);
    const escaped = ec.replaceAll("\n", "\\n");
    expect(only(`{"private_key": "${escaped}"}`)?.[2]).toBe(escaped);
    expect(findSecrets("store the -----BEGIN RSA PRIVATE KEY----- block in a vault")).toEqual([]);
    expect(privateKeyKind("-----BEGIN OPENSSH PRIVATE KEY-----")).toBe("OpenSSH private key");
    expect(privateKeyKind("-----BEGIN PRIVATE KEY-----")).toBe("private key");
  });

  it("finds passwords in URLs of any scheme up to the host, but not placeholders", () => {
    const url = `redis://default:${noise("r", 20)}@cache.example.net:6380`;
    expect(only(`REDIS_URL=${url}/0.`)).toEqual([
      "exec-intel/url-password",
      "database URL with a password",
      url,
    ]);
    const ftp = `ftp://backup:${noise("f", 12)}.x@files.example.net`;
    expect(only(`see ${ftp}.`)).toEqual(["exec-intel/url-password", "password in a URL", ftp]);
    for (const placeholder of [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder as a config file writes it
      "postgres://app:${DB_PASSWORD}@db.internal/app",
      "https://user:password@example.com",
      "amqp://guest:***@queue.internal",
    ])
      expect(findSecrets(placeholder)).toEqual([]);
  });

  it("finds a strong password after the word password, and not the word in prose", () => {
    expect(only("the admin password: Tr0ub4dor&3x.")).toEqual([
      "exec-intel/password",
      "password",
      "Tr0ub4dor&3x",
    ]);
    for (const prose of [
      "a password manager holds it",
      "password: changeme",
      "(database URL, Square access token, mail password) is committed",
      "password is rotated monthly",
    ])
      expect(findSecrets(prose)).toEqual([]);
  });
});

describe("findSecrets: generic high-entropy tokens", () => {
  it("finds a long random token of letters and digits", () => {
    const token = noise("generic", 48);
    expect(isHighEntropyToken(token)).toBe(true);
    expect(only(`token ${token} in the env`)).toEqual([
      HIGH_ENTROPY_RULE,
      "high-entropy token",
      token,
    ]);
  });

  it.each([
    ["a SHA-256 hex digest", createHash("sha256").update("x").digest("hex")],
    ["a UUID", "3f9a1c2e-5b84-4552-9a68-0e2b76928f3d"],
    [
      "a finding fingerprint slug",
      "tech-security-gap:dangerouscentaur-lambda-stripe/live-stripe-secret-keys-were-hard-5b845527",
    ],
    ["a repository path", "github.com/queenofsandiego/booking-api/blob/main/src/handlers/quote.ts"],
    ["a report id", "portfolio/2026-10/accounting"],
    ["a source file", "data/ledger/queenofsandiego-checking.csv"],
    ["SVG path data", 'd="M0,153L31.416666666666664,122.4L62.833333333333336,91.8Z"'],
    ["a hex colour and an id", 'fill="#4c78a8" id="chart-ceo-revenue-vs-target-2026-10"'],
    ["letters only", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"],
    ["a data URI", `src="data:image/png;base64,${noise("png", 200)}"`],
    ["an Apps Script project id in .clasp.json", `{ "scriptId": "${noise("clasp", 57)}" }`],
  ])("leaves %s alone", (_label, text) => {
    expect(findSecrets(text)).toEqual([]);
  });

  it("still finds the same token under a key that is not a public id", () => {
    const token = noise("clasp", 57);
    expect(only(`{ "apiKey": "${token}" }`)).toEqual([
      HIGH_ENTROPY_RULE,
      "high-entropy token",
      token,
    ]);
  });

  it("requires at least 32 characters and 4 bits of entropy a character", () => {
    expect(isHighEntropyToken(noise("short", 31))).toBe(false);
    expect(isHighEntropyToken("a1".repeat(20))).toBe(false);
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });
});

describe("dedupeMatches", () => {
  const m = (ruleId: string, start: number, end: number, specificity: number): SecretMatch => ({
    ruleId,
    kind: ruleId,
    start,
    end,
    specificity,
  });

  it("keeps the most specific of overlapping matches, then the longest, in text order", () => {
    const kept = dedupeMatches([
      m("generic", 0, 60, 0),
      m("stripe", 4, 50, 2),
      m("url", 70, 90, 1),
      m("url-longer", 70, 95, 1),
      m("apart", 100, 140, 0),
    ]);
    expect(kept.map((k) => k.ruleId)).toEqual(["stripe", "url-longer", "apart"]);
  });
});

describe("lineLocator", () => {
  it("maps offsets to 1-based lines", () => {
    const lineOf = lineLocator("ab\ncd\n\nef");
    expect([0, 2, 3, 6, 7, 8].map(lineOf)).toEqual([1, 1, 2, 3, 4, 4]);
  });
});

describe("maskSecret", () => {
  it("shows at most 4 leading characters and the first 8 hex of the SHA-256", () => {
    const key = `sk_live_${noise("mask", 24)}`;
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 8);
    expect(maskSecret(key)).toBe(`sk_l… sha256:${hash}`);
    expect(secretHash(key)).toBe(`sha256:${hash}`);
  });

  it("hashes a multi-line value without its line breaks, indentation and escapes", () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\nMIIE${noise("rsa", 60)}\n-----END RSA PRIVATE KEY-----`;
    expect(canonicalSecret(pem)).not.toMatch(/\s|\\/);
    expect(secretHash(pem.replaceAll("\n", "\\n"))).toBe(secretHash(pem));
    expect(secretHash(pem.replaceAll("\n", "\n    "))).toBe(secretHash(pem));
    expect(secretHash(pem)).not.toBe(secretHash(pem.replace("MIIE", "MIIF")));
  });

  it("never shows more than a fifth of the value", () => {
    for (const value of ["abc", "abcdefghij", "abcdefghijklmnop", "Tr0ub4dor&3"]) {
      const prefix = maskSecret(value).split(/…? ?sha256:/)[0] ?? "";
      expect(prefix.length, value).toBeLessThanOrEqual(Math.floor(value.length * 0.2));
    }
    expect(maskSecret("abc")).toBe(secretHash("abc"));
  });
});
