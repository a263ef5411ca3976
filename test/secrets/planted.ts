// The planted-secrets corpus: credentials in their real formats (prefixes, alphabets, lengths,
// PEM framing, JWT structure) with values drawn from a seeded generator. No value is a live
// credential, none is a vendor's documented example (secretlint allow-lists AWS's), and none is
// written out literally, so this repository itself never trips a secret scanner.

/** One planted credential. */
export interface PlantedSecret {
  /** What it is, in words. */
  kind: string;
  /** The credential exactly as a person would paste it. */
  value: string;
}

// mulberry32: small, seeded, good enough to make values look random.
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(0x5ec2e75);

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const BASE32 = `${UPPER}234567`;
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;
const HEX = "0123456789abcdef";

/** `length` characters drawn from `alphabet`. */
function draw(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A PEM block: header, base64 body in 64-character lines (magic bytes first), footer. */
function pem(label: string, magic: string, bodyLength: number): string {
  const body = magic + draw(BASE64, bodyLength - magic.length);
  const lines = body.match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join("\n");
}

/** A signed JWT: base64url JSON header and claims, and a random signature of the right length. */
function jwt(alg: string, claims: Record<string, unknown>, signatureBytes: number): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signature = Buffer.from(
    Array.from({ length: signatureBytes }, () => Math.floor(random() * 256)),
  ).toString("base64url");
  return `${encode({ alg, typ: "JWT" })}.${encode(claims)}.${signature}`;
}

/** A password a person might choose for a service account: mixed classes, no placeholder words. */
function password(length: number): string {
  return draw(ALNUM, length - 2) + draw("!~._", 1) + draw(DIGITS, 1);
}

/** Every planted credential, at least 40, each in the format its vendor issues. */
export const PLANTED: readonly PlantedSecret[] = [
  { kind: "AWS access key ID", value: `AKIA${draw(BASE32, 16)}` },
  { kind: "AWS access key ID (temporary)", value: `ASIA${draw(BASE32, 16)}` },
  { kind: "AWS secret access key", value: draw(BASE64, 40) },
  { kind: "AWS secret access key", value: draw(BASE64, 40) },
  { kind: "Stripe live secret key", value: `sk_live_${draw(ALNUM, 24)}` },
  { kind: "Stripe live secret key", value: `sk_live_51${draw(ALNUM, 97)}` },
  { kind: "Stripe live restricted key", value: `rk_live_51${draw(ALNUM, 97)}` },
  { kind: "Stripe test secret key", value: `sk_test_51${draw(ALNUM, 97)}` },
  { kind: "Stripe webhook signing secret", value: `whsec_${draw(ALNUM, 32)}` },
  { kind: "GitHub personal access token", value: `ghp_${draw(ALNUM, 36)}` },
  { kind: "GitHub OAuth token", value: `gho_${draw(ALNUM, 36)}` },
  { kind: "GitHub app token", value: `ghs_${draw(ALNUM, 36)}` },
  {
    kind: "GitHub fine-grained access token",
    value: `github_pat_11${draw(UPPER + DIGITS, 20)}_${draw(ALNUM, 59)}`,
  },
  {
    kind: "Slack bot token",
    value: `xoxb-${draw(DIGITS, 12)}-${draw(DIGITS, 13)}-${draw(ALNUM, 24)}`,
  },
  {
    kind: "Slack user token",
    value: `xoxp-${draw(DIGITS, 12)}-${draw(DIGITS, 12)}-${draw(DIGITS, 13)}-${draw(HEX, 32)}`,
  },
  {
    kind: "Slack webhook URL",
    value: `https://hooks.slack.com/services/T${draw(UPPER + DIGITS, 10)}/B${draw(UPPER + DIGITS, 10)}/${draw(ALNUM, 24)}`,
  },
  {
    kind: "Slack workflow webhook URL",
    value: `https://hooks.slack.com/workflows/T${draw(UPPER + DIGITS, 10)}/A${draw(UPPER + DIGITS, 10)}/${draw(DIGITS, 18)}/${draw(ALNUM, 24)}`,
  },
  { kind: "Google API key", value: `AIza${draw(BASE64URL, 35)}` },
  { kind: "Google API key", value: `AIza${draw(BASE64URL, 35)}` },
  {
    kind: "GCP service-account private key (JSON field)",
    value: `"private_key": "${pem("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ", 1624).replaceAll("\n", "\\n")}\\n"`,
  },
  { kind: "RSA private key", value: pem("RSA PRIVATE KEY", "MIIEowIBAAKCAQEA", 1592) },
  { kind: "EC private key", value: pem("EC PRIVATE KEY", "MHcCAQEEI", 160) },
  {
    kind: "OpenSSH private key",
    value: pem(
      "OPENSSH PRIVATE KEY",
      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
      400,
    ),
  },
  {
    kind: "PKCS#8 private key",
    value: pem("PRIVATE KEY", "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ", 1624),
  },
  {
    kind: "JSON Web Token (HS256)",
    value: jwt("HS256", { sub: "crew-api", role: "admin", iat: 1790000000 }, 32),
  },
  {
    kind: "JSON Web Token (RS256)",
    value: jwt("RS256", { iss: "booking-api", sub: "svc-quotes", exp: 1800000000 }, 256),
  },
  {
    kind: "PostgreSQL URL with a password",
    value: `postgres://crew_app:${password(24)}@dpg-${draw(LOWER + DIGITS, 20)}-a.oregon-postgres.render.com:5432/crew`,
  },
  {
    kind: "PostgreSQL URL with a password",
    value: `postgresql://u${draw(LOWER + DIGITS, 13)}:p${draw(HEX, 63)}@ec2-${draw(DIGITS, 2)}-${draw(DIGITS, 3)}-${draw(DIGITS, 2)}-${draw(DIGITS, 3)}.compute-1.amazonaws.com:5432/d${draw(LOWER + DIGITS, 13)}`,
  },
  {
    kind: "MySQL URL with a password",
    value: `mysql://wp_admin:${password(20)}@db.quickdumpnow.com:3306/wordpress`,
  },
  {
    kind: "MongoDB URL with a password",
    value: `mongodb+srv://bookings:${password(18)}@cluster0.${draw(LOWER + DIGITS, 5)}.mongodb.net/bookings`,
  },
  {
    kind: "Redis URL with a password",
    value: `redis://default:${password(32)}@redis-${draw(DIGITS, 5)}.c1.us-west-2-1.ec2.cloud.redislabs.com:${draw(DIGITS, 5)}`,
  },
  { kind: "basic-auth URL", value: `https://deploy:${password(16)}@ci.quickdumpnow.com` },
  { kind: "basic-auth URL", value: `ftp://backup:${password(14)}@files.jadasailing.com` },
  { kind: "npm access token", value: `npm_${draw(ALNUM, 36)}` },
  {
    kind: "SendGrid API key",
    value: `SG.${draw(BASE64URL.replace("-", ""), 22)}.${draw(BASE64URL.replace("-", ""), 43)}`,
  },
  {
    kind: "OpenAI project key",
    value: `sk-proj-${draw(BASE64URL, 74)}T3BlbkFJ${draw(BASE64URL, 74)}`,
  },
  { kind: "OpenAI API key", value: `sk-${draw(ALNUM, 20)}T3BlbkFJ${draw(ALNUM, 20)}` },
  { kind: "Anthropic API key", value: `sk-ant-api03-${draw(BASE64URL, 93)}AA` },
  { kind: "Square access token", value: `EAAA${draw(BASE64URL, 60)}` },
  { kind: "Square application secret", value: `sq0csp-${draw(BASE64URL, 43)}` },
  { kind: "Shopify access token", value: `shpat_${draw(HEX, 32)}` },
  { kind: "Twilio API key", value: `SK${draw(HEX, 32)}` },
  { kind: "Mailchimp API key", value: `${draw(HEX, 32)}-us21` },
  { kind: "Linear API key", value: `lin_api_${draw(ALNUM, 40)}` },
  { kind: "Render API key (generic token)", value: `rnd_${draw(ALNUM, 32)}` },
  { kind: "generic API token", value: draw(BASE64URL, 48) },
  { kind: "password in prose", value: password(14) },
];
