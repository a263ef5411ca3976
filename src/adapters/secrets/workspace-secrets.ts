import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

// On AWS the workspace's `.env` values (the reply-token secret, source credentials) live in one
// Secrets Manager secret as a JSON object of NAME: value; functions read it at cold start and
// hand it to the pipeline as environment, never as the process's own environment.

/** Reads the secret `arn` as a JSON object of NAME: string; a clear error for any other shape. */
export async function readWorkspaceSecrets(
  client: SecretsManagerClient,
  arn: string,
): Promise<Record<string, string>> {
  const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const answer = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  const text = answer.SecretString;
  // A secret emptied by hand: the workspace simply has none.
  if (text === undefined || text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `the workspace secret ${arn} is not JSON; store the workspace's variables as {"NAME": "value", …}`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error(
      `the workspace secret ${arn} is not a JSON object; store it as {"NAME": "value", …}`,
    );
  const entries = Object.entries(parsed);
  // Names only: a value must never reach a log line.
  const bad = entries.filter(
    ([name, value]) => typeof value !== "string" || !/^[A-Z_][A-Z0-9_]*$/.test(name),
  );
  if (bad.length > 0)
    throw new Error(
      `the workspace secret ${arn} has entries that are not NAME: "string" pairs: ${bad.map(([name]) => JSON.stringify(name)).join(", ")}`,
    );
  return Object.fromEntries(entries) as Record<string, string>;
}
