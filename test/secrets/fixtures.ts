import { createHash } from "node:crypto";
import { maskSecret } from "../../src/core/validate/secret-patterns.js";
import type { SecretHit } from "../../src/core/validate/types.js";

// Shared by the secret unit tests: credential-shaped values made at run time, so no credential is
// ever written into a source file, and scanner hits built from them.

/** `length` random-looking characters from a seed (base64 of hashes, minus `drop`). */
export function noise(seed: string, length: number, drop = /[^A-Za-z0-9]/g): string {
  let out = "";
  for (let i = 0; out.length < length; i += 1)
    out += createHash("sha256").update(`${seed}:${i}`).digest("base64").replace(drop, "");
  return out.slice(0, length);
}

/** A scanner hit for a value, in the CTO report's HTML unless `over` says otherwise. */
export function secretHit(value: string, over: Partial<SecretHit> = {}): SecretHit {
  return {
    ruleId: "exec-intel/test",
    kind: "credential",
    report: "acme/2026-10/cto",
    output: "html",
    line: 1,
    value,
    fingerprint: maskSecret(value),
    ...over,
  };
}
