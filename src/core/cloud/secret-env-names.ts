/**
 * Tells from its name alone whether an environment variable probably holds a credential.
 * Only names are ever looked at: the values stay in the AWS CLI output and go no further.
 */

// Words that name a credential, alone or fused (CLIENTSECRET, AUTHTOKEN, DBPASSWORD).
const SECRET_WORD = /(^|_)[A-Z0-9]*(SECRET|PASSWORD|PASSWD|PASSPHRASE)[A-Z0-9]*(_|$)/;
// Exact words: MAX_TOKENS or PWD_DIR-style names must not count.
const SECRET_TOKEN = /(^|_)([A-Z0-9]*TOKEN|PWD|JWT|CREDENTIALS?)(_|$)/;
// Key pairs: PRIVATE_KEY, APIKEY, ACCESS_KEY, SIGNING_KEY, ENCRYPTION_KEY, MASTER_KEY.
const SECRET_KEY = /(^|_)(PRIVATE|API|ACCESS|SIGNING|ENCRYPTION|MASTER)_?KEY(_|$)/;
// Any Stripe key but the publishable one: STRIPE_KEY, STRIPE_SECRET_KEY, STRIPE_RK_LIVE_KEY.
const STRIPE_KEY = /(^|_)STRIPE(_[A-Z0-9]+)*_KEY(_|$)/;

// A name that points at a secret (an ARN, a parameter name, a path) or describes one (its
// lifetime, its issuer) is not the secret itself: JWT_SECRET_ARN is the good practice.
const REFERENCE_SUFFIX =
  /_(ARN|NAMES?|IDS?|PATH|PARAM|PARAMETER|PARAMETER_NAME|URL|URI|ENDPOINT|TTL|EXPIRY|EXPIRES_IN|EXPIRATION|ISSUER|AUDIENCE|ALG|ALGORITHM|HEADER|TABLE|REGION|LENGTH|FILE|TYPE|VERSION)$/;
const PUBLIC_WORD = /(^|_)(PUBLIC|PUBLISHABLE)(_|$)/;

/** True when a variable name looks like it holds a secret (JWT_SECRET, STRIPE_API_KEY, ...). */
export function isSecretLikeEnvName(name: string): boolean {
  const normal = normalise(name);
  if (normal === "" || REFERENCE_SUFFIX.test(normal) || PUBLIC_WORD.test(normal)) return false;
  return (
    SECRET_WORD.test(normal) ||
    SECRET_TOKEN.test(normal) ||
    SECRET_KEY.test(normal) ||
    STRIPE_KEY.test(normal)
  );
}

/** The secret-like names among `names`, sorted and without repeats. */
export function secretLikeEnvNames(names: Iterable<string>): string[] {
  return [...new Set([...names].filter(isSecretLikeEnvName))].sort();
}

/** `stripeSecretKey`, `stripe-secret-key` and `STRIPE_SECRET_KEY` all become the last. */
function normalise(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
}
