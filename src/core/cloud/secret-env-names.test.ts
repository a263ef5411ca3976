import { describe, expect, it } from "vitest";
import { isSecretLikeEnvName, secretLikeEnvNames } from "./secret-env-names.js";

describe("isSecretLikeEnvName", () => {
  it.each([
    "JWT_SECRET",
    "JWT",
    "STRIPE_SECRET_KEY",
    "STRIPE_API_KEY",
    "STRIPE_KEY",
    "STRIPE_RESTRICTED_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "CLIENT_SECRET",
    "SESSION_SECRET",
    "SECRET_KEY_BASE",
    "AWS_SECRET_ACCESS_KEY",
    "GITHUB_TOKEN",
    "AUTHTOKEN",
    "DB_PASSWORD",
    "SMTP_PASSWD",
    "DB_PWD",
    "PRIVATE_KEY",
    "SIGNING_KEY",
    "OPENAI_APIKEY",
    "GOOGLE_CREDENTIALS",
    "stripeSecretKey",
    "apiKey",
    "db-password",
  ])("%s looks like a secret", (name) => {
    expect(isSecretLikeEnvName(name)).toBe(true);
  });

  it.each([
    "TABLE_NAME",
    "NODE_ENV",
    "LOG_LEVEL",
    "MAX_TOKENS",
    "AWS_ACCESS_KEY_ID",
    "JWT_SECRET_ARN",
    "STRIPE_SECRET_NAME",
    "DB_PASSWORD_PARAMETER_NAME",
    "TOKEN_URL",
    "JWT_ISSUER",
    "JWT_EXPIRES_IN",
    "PASSWORD_MIN_LENGTH",
    "STRIPE_PUBLISHABLE_KEY",
    "PUBLIC_KEY",
    "KEY",
    "MONKEY_COUNT",
    "SUCCESS_URL",
    "",
  ])("%j does not", (name) => {
    expect(isSecretLikeEnvName(name)).toBe(false);
  });
});

describe("secretLikeEnvNames", () => {
  it("keeps only secret-like names, sorted once each", () => {
    expect(
      secretLikeEnvNames(["TABLE_NAME", "STRIPE_SECRET_KEY", "JWT_SECRET", "STRIPE_SECRET_KEY"]),
    ).toEqual(["JWT_SECRET", "STRIPE_SECRET_KEY"]);
  });
});
