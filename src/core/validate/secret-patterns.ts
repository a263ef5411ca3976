import { createHash } from "node:crypto";

// Detectors for credentials that secretlint's recommended preset does not cover (Stripe, JWTs,
// Google API keys, Square, Twilio, Mailchimp, passwords in any URL or in prose, and high-entropy
// tokens in general). Every detector was tuned against the reference portfolio's rendered
// reports and chart SVGs, where none of them may fire.

/** Where one detector found a credential in a text: a half-open span of UTF-16 offsets. */
export interface SecretMatch {
  ruleId: string;
  /** Human words for what it is, e.g. "Stripe live secret key". */
  kind: string;
  start: number;
  end: number;
  /** Vendor format (2) beats password by context (1) beats bare high-entropy token (0). */
  specificity: number;
}

/** Where this module's code lives: hashed to tell whether cached scans used the same rules. */
export const DETECTORS_MODULE_URL = import.meta.url;

/** Rule id of the generic high-entropy detector (the least specific one). */
export const HIGH_ENTROPY_RULE = "exec-intel/high-entropy";

/** Specificity of a vendor-format detector. */
export const VENDOR_SPECIFICITY = 2;
/** Specificity of a detector that knows a password by its context (a URL, the word "password"). */
export const CONTEXT_SPECIFICITY = 1;
/** Specificity of the generic high-entropy detector. */
export const GENERIC_SPECIFICITY = 0;

// A JSON key whose value is a public identifier, right before the value.
const PUBLIC_ID_KEY = /"(?:scriptId|parentId|projectId)"\s*:\s*"$/;

/** Minimum length of a generic high-entropy token. */
export const MIN_TOKEN_LENGTH = 32;
/** Minimum Shannon entropy (bits per character) of a generic high-entropy token. */
export const MIN_TOKEN_ENTROPY = 4.0;

interface Detector {
  ruleId: string;
  specificity: number;
  /** Global regex with the `d` flag; the span is group 1 when present, else the whole match. */
  pattern: RegExp;
  /** Kind words for a match, or undefined to reject it. */
  judge: (secret: string, match: RegExpExecArray, text: string) => string | undefined;
}

const STRIPE_KINDS: Record<string, string> = {
  sk_live: "Stripe live secret key",
  rk_live: "Stripe live restricted key",
  sk_test: "Stripe test secret key",
  rk_test: "Stripe test restricted key",
};

// Characters a URL ends at when it sits in prose, HTML, Markdown or JSON.
const URL_STOP = "\\s\"'<>`\\\\";
const DATABASE_SCHEMES =
  /^(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?)$/i;
const PLACEHOLDER_PASSWORD =
  /^(?:\*+|x+|\.{3}|password|passwd|pass|secret|changeme|your[_-]?password|<[^>]*>)$|\$\{|\{\{|%[A-Z_]+%|^\$[A-Z_]+$/i;

const DETECTORS: readonly Detector[] = [
  {
    ruleId: "exec-intel/stripe",
    specificity: VENDOR_SPECIFICITY,
    pattern: /(?<![A-Za-z0-9_])((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247})(?![A-Za-z0-9_])/dg,
    judge: (secret) => STRIPE_KINDS[secret.slice(0, 7)],
  },
  {
    ruleId: "exec-intel/stripe-webhook-secret",
    specificity: VENDOR_SPECIFICITY,
    pattern: /(?<![A-Za-z0-9_])(whsec_[A-Za-z0-9+/]{32,})(?![A-Za-z0-9_+/])/dg,
    judge: () => "Stripe webhook signing secret",
  },
  {
    ruleId: "exec-intel/jwt",
    specificity: VENDOR_SPECIFICITY,
    pattern:
      /(?<![A-Za-z0-9_-])(ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)(?![A-Za-z0-9_.-])/dg,
    judge: (secret) => (isJwt(secret) ? "JSON Web Token" : undefined),
  },
  {
    ruleId: "exec-intel/google-api-key",
    specificity: VENDOR_SPECIFICITY,
    pattern: /(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/dg,
    judge: () => "Google API key",
  },
  {
    ruleId: "exec-intel/slack-webhook",
    specificity: VENDOR_SPECIFICITY,
    pattern:
      /(https:\/\/hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9/]+)/dg,
    judge: () => "Slack webhook URL",
  },
  {
    ruleId: "exec-intel/square",
    specificity: VENDOR_SPECIFICITY,
    pattern:
      /(?<![A-Za-z0-9_-])(EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/dg,
    judge: (secret) =>
      secret.startsWith("sq0csp-") ? "Square application secret" : "Square access token",
  },
  {
    ruleId: "exec-intel/twilio-api-key",
    specificity: VENDOR_SPECIFICITY,
    pattern: /(?<![A-Za-z0-9])(SK[0-9a-f]{32})(?![A-Za-z0-9])/dg,
    judge: () => "Twilio API key",
  },
  {
    ruleId: "exec-intel/mailchimp-api-key",
    specificity: VENDOR_SPECIFICITY,
    pattern: /(?<![A-Za-z0-9])([0-9a-f]{32}-us[0-9]{1,2})(?![A-Za-z0-9])/dg,
    judge: () => "Mailchimp API key",
  },
  {
    // A 40-character key is only known to be AWS's by the words around it.
    ruleId: "exec-intel/aws-secret-key",
    specificity: VENDOR_SPECIFICITY,
    pattern:
      /(?:\baws\b|secret[ _-]?access[ _-]?key)[^\n]{0,60}?(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
    judge: (secret) => (looksRandom(secret) ? "AWS secret access key" : undefined),
  },
  {
    // secretlint's private-key rule wants PKCS#1/#8 magic bytes, so it misses SEC1 EC keys
    // (`MHcC…`), blocks whose footer a renderer cut off and headers the 72-column text wrapped;
    // the backslashes of JSON's `\n` escapes may sit in the body.
    ruleId: "exec-intel/private-key",
    specificity: VENDOR_SPECIFICITY,
    pattern:
      /(-----BEGIN\s+(?:[A-Z0-9]+\s+)*PRIVATE\s+KEY(?:\s+BLOCK)?-----[A-Za-z0-9+/=\s\\]*?(?:-----END\s+(?:[A-Z0-9]+\s+)*PRIVATE\s+KEY(?:\s+BLOCK)?-----|(?=[^A-Za-z0-9+/=\s\\]|$)))/dg,
    judge: (secret) => {
      const body = secret.replace(/-----[^-]*-----|\\[nr]|[^A-Za-z0-9+/=]/g, "");
      return body.length >= 40 ? privateKeyKind(secret) : undefined;
    },
  },
  {
    ruleId: "exec-intel/url-password",
    specificity: CONTEXT_SPECIFICITY,
    pattern: new RegExp(
      `(?<![A-Za-z0-9+.-])([a-z][a-z0-9+.-]{1,20}://[^${URL_STOP}:@/]{0,100}:([^${URL_STOP}@/]{3,200})@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?)`,
      "dgi",
    ),
    judge: (_secret, match) => {
      const password = match[2] ?? "";
      if (PLACEHOLDER_PASSWORD.test(password)) return undefined;
      const scheme = (match[1] ?? "").split(":")[0] ?? "";
      return DATABASE_SCHEMES.test(scheme) ? "database URL with a password" : "password in a URL";
    },
  },
  {
    // "password: Tr0ub4dor&3" in prose: only strong-looking values, so "password manager" is not one.
    ruleId: "exec-intel/password",
    specificity: CONTEXT_SPECIFICITY,
    pattern:
      /\b(?:password|passwd|passphrase|pwd)\b\s*(?:is|was|=|:|:=)\s*["'`]?([^\s"'`<>]{7,127}[^\s"'`<>.,;:!?)])/dgi,
    judge: (secret) => (isStrongPassword(secret) ? "password" : undefined),
  },
  {
    ruleId: HIGH_ENTROPY_RULE,
    specificity: GENERIC_SPECIFICITY,
    pattern: new RegExp(
      `(?<![A-Za-z0-9+/_=-])([A-Za-z0-9+/_=-]{${MIN_TOKEN_LENGTH},})(?![A-Za-z0-9+/_=-])`,
      "dg",
    ),
    judge: (secret, match, text) => {
      // Inline data (images, fonts) is base64 by design, not a credential.
      const before = text.slice(Math.max(0, match.index - 8), match.index);
      if (before.endsWith("base64,")) return undefined;
      // Identifiers that are public by design, e.g. an Apps Script project's id in .clasp.json
      // (it is part of the script's URL).
      if (PUBLIC_ID_KEY.test(text.slice(Math.max(0, match.index - 40), match.index)))
        return undefined;
      return isHighEntropyToken(secret) ? "high-entropy token" : undefined;
    },
  },
];

/** Every credential our own detectors find in a text, overlaps included (see `dedupeMatches`). */
export function findSecrets(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  for (const detector of DETECTORS) {
    for (const match of text.matchAll(detector.pattern)) {
      const span = match.indices?.[1] ?? match.indices?.[0];
      if (span === undefined) continue;
      const [start, end] = span;
      const kind = detector.judge(text.slice(start, end), match, text);
      if (kind === undefined) continue;
      found.push({ ruleId: detector.ruleId, kind, start, end, specificity: detector.specificity });
    }
  }
  return found;
}

/**
 * Keeps one match per overlapping cluster: the most specific detector wins, then the longer span,
 * then the earlier one. Returns the kept matches in text order.
 */
export function dedupeMatches<T extends SecretMatch>(matches: readonly T[]): T[] {
  const ranked = [...matches].sort(
    (a, b) =>
      b.specificity - a.specificity || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: T[] = [];
  for (const match of ranked) {
    if (!kept.some((k) => match.start < k.end && k.start < match.end)) kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Maps a UTF-16 offset of a text to its 1-based line (binary search over line starts). */
export function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  const total = [...value].length;
  for (const count of counts.values()) {
    const p = count / total;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * True for a generic token that looks machine-made: long, letters and digits mixed, entropy of
 * at least 4 bits a character, and not a slug of words (ids, file paths and fingerprints such as
 * `tech-security-gap:dangerouscentaur-lambda-stripe/live-stripe-secret-keys-5b845527` are slugs).
 */
export function isHighEntropyToken(token: string): boolean {
  if (token.length < MIN_TOKEN_LENGTH) return false;
  if (!/[A-Za-z]/.test(token) || !/[0-9]/.test(token)) return false;
  if (shannonEntropy(token) < MIN_TOKEN_ENTROPY) return false;
  return !isSlug(token);
}

// A word a person typed: lowercase, Capitalised, a short acronym or a short number.
const WORD = /^(?:[a-z]+|[A-Z][a-z]+|[A-Z]{1,5}|[0-9]{1,4})$/;

/** True when most of a token's characters sit in word-like segments between separators. */
function isSlug(token: string): boolean {
  const segments = token.split(/[-_/.+=]+/).filter((s) => s.length > 0);
  if (segments.length < 3) return false;
  const total = segments.reduce((n, s) => n + s.length, 0);
  const wordy = segments.filter((s) => WORD.test(s)).reduce((n, s) => n + s.length, 0);
  return wordy / total >= 0.6;
}

/** Mixed case and digits with high entropy: a random key rather than a word or a hash. */
function looksRandom(value: string): boolean {
  return (
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value) &&
    /[0-9]/.test(value) &&
    shannonEntropy(value) >= MIN_TOKEN_ENTROPY
  );
}

/** A password strong enough to be real: three of lower, upper, digit, symbol; no placeholder. */
function isStrongPassword(value: string): boolean {
  if (PLACEHOLDER_PASSWORD.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  return classes >= 3 && shannonEntropy(value) >= 2.5;
}

/** True when a three-part base64url token's first part decodes to a JSON header with `alg`. */
export function isJwt(token: string): boolean {
  const header = token.split(".")[0] ?? "";
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    return (
      typeof decoded === "object" &&
      decoded !== null &&
      typeof (decoded as { alg?: unknown }).alg === "string"
    );
  } catch {
    return false;
  }
}

const PRIVATE_KEY_KINDS: Record<string, string> = {
  RSA: "RSA private key",
  EC: "EC private key",
  DSA: "DSA private key",
  OPENSSH: "OpenSSH private key",
  PGP: "PGP private key",
  ENCRYPTED: "encrypted private key",
};

/** Kind words for a PEM private key from its header, e.g. "RSA private key". */
export function privateKeyKind(block: string): string {
  const label = /-----BEGIN\s+((?:[A-Z0-9]+\s+)*)PRIVATE\s+KEY/.exec(block)?.[1]?.trim() ?? "";
  return PRIVATE_KEY_KINDS[label] ?? "private key";
}

/**
 * The characters that identify a secret, without the line breaks, indentation and escapes a
 * rendition adds: a PEM block wrapped in the text, escaped in the JSON and collapsed in the HTML
 * is one secret with one fingerprint. A single-line token is its own canonical form.
 */
export function canonicalSecret(value: string): string {
  return value.replace(/\\+[nr]|\\+|\s+/g, "");
}

/** `sha256:` and 8 hex of the SHA-256 of the canonical value: how allow-lists name a secret. */
export function secretHash(value: string): string {
  return `sha256:${createHash("sha256").update(canonicalSecret(value)).digest("hex").slice(0, 8)}`;
}

/**
 * A masked fingerprint of a secret, e.g. `sk_l… sha256:3f9a1c2e`: at most 4 leading characters
 * and never more than a fifth of the value, so the mask identifies a secret without revealing it.
 */
export function maskSecret(value: string): string {
  const shown = Math.min(4, Math.floor(value.length * 0.2));
  const prefix = value.slice(0, shown).replace(/\s/g, "");
  return prefix === "" ? secretHash(value) : `${prefix}… ${secretHash(value)}`;
}
