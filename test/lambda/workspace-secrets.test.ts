import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readWorkspaceSecrets } from "../../src/adapters/secrets/workspace-secrets.js";

// Secrets Manager has no local peer here: its SDK client is mocked at `send`
// (aws-sdk-client-mock). What is tested is our reading of the answer, not the service.

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ExecIntel-abc";
const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());

const answer = (SecretString?: string) =>
  secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString });

describe("readWorkspaceSecrets", () => {
  it("reads the workspace's variables from a JSON object of NAME: value", async () => {
    answer('{"REPLY_TOKEN_SECRET":"s3cr3t-value","OWNER_EMAIL":"owner@example.com"}');
    expect(await readWorkspaceSecrets(new SecretsManagerClient({}), ARN)).toEqual({
      REPLY_TOKEN_SECRET: "s3cr3t-value",
      OWNER_EMAIL: "owner@example.com",
    });
  });

  it("answers no variables for a secret the stack created and nobody filled yet", async () => {
    answer(undefined);
    expect(await readWorkspaceSecrets(new SecretsManagerClient({}), ARN)).toEqual({});
  });

  it("refuses other shapes with what to store, naming keys but never values", async () => {
    const client = new SecretsManagerClient({});
    answer("REPLY_TOKEN_SECRET=s3cr3t-value");
    await expect(readWorkspaceSecrets(client, ARN)).rejects.toThrow(
      `the workspace secret ${ARN} is not JSON; store the workspace's variables as {"NAME": "value", …}`,
    );
    answer('["s3cr3t-value"]');
    await expect(readWorkspaceSecrets(client, ARN)).rejects.toThrow(/is not a JSON object/);
    answer('{"PORT":8080,"lower":"s3cr3t-value","OK":"x"}');
    const error = await readWorkspaceSecrets(client, ARN).catch((e: Error) => e);
    expect(String(error)).toContain('not NAME: "string" pairs: "PORT", "lower"');
    expect(String(error)).not.toContain("s3cr3t-value");
  });

  it("passes the service's own errors on (the invocation fails and is retried)", async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: "no such secret", $metadata: {} }));
    await expect(readWorkspaceSecrets(new SecretsManagerClient({}), ARN)).rejects.toThrow(
      "no such secret",
    );
  });
});
