import { describe, expect, it } from "vitest";
import { noise, secretHit } from "../../../test/secrets/fixtures.js";
import { redactSecrets } from "./redact.js";
import { maskSecret } from "./secret-patterns.js";

const PASSWORD = `${noise("pw", 14)}!7`;
const URL = `postgres://crew:${PASSWORD}@db.example.net:5432`;
const KEY = `sk_live_${noise("key", 24)}`;

const hit = (value: string, kind: string) => secretHit(value, { kind });

describe("redactSecrets", () => {
  it("replaces every occurrence with the kind and masked fingerprint, leaving other text alone", () => {
    const text = `key ${KEY} here; again: ${KEY}.`;
    expect(redactSecrets(text, [hit(KEY, "Stripe live secret key")])).toBe(
      `key [redacted: Stripe live secret key ${maskSecret(KEY)}] here; again: [redacted: Stripe live secret key ${maskSecret(KEY)}].`,
    );
  });

  it("replaces longer values first, so a password inside its URL leaves no remainder", () => {
    const out = redactSecrets(`DATABASE_URL=${URL} (password ${PASSWORD})`, [
      hit(PASSWORD, "password"),
      hit(URL, "database URL with a password"),
    ]);
    expect(out).toBe(
      `DATABASE_URL=[redacted: database URL with a password ${maskSecret(URL)}] (password [redacted: password ${maskSecret(PASSWORD)}])`,
    );
    expect(out).not.toContain(PASSWORD);
  });

  it("replaces the JSON and HTML spellings of a value found in another rendition", () => {
    const pem = `-----BEGIN EC PRIVATE KEY-----\nMHcC${noise("pem", 60)}\n-----END EC PRIVATE KEY-----`;
    const quoted = `a'b<${noise("html", 30)}>&c`;
    const hits = [hit(pem, "EC private key"), hit(quoted, "password")];
    const json = JSON.stringify({ evidence: pem, note: quoted });
    const html = `<td>${quoted.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("'", "&#39;")}</td>`;
    const redactedJson = redactSecrets(json, hits);
    expect(redactedJson).not.toContain("MHcC");
    expect(JSON.parse(redactedJson)).toEqual({
      evidence: `[redacted: EC private key ${maskSecret(pem)}]`,
      note: `[redacted: password ${maskSecret(quoted)}]`,
    });
    expect(redactSecrets(html, hits)).toBe(`<td>[redacted: password ${maskSecret(quoted)}]</td>`);
  });

  it("returns the text unchanged when nothing was found", () => {
    expect(redactSecrets(`plain ${KEY}`, [])).toBe(`plain ${KEY}`);
  });
});
