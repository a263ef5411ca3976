import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { type InfraConfig, readInfraConfig } from "./config.js";
import { ExecIntelStack } from "./exec-intel-stack.js";

/** `<repo>/dist-lambda`, where the esbuild step puts index.mjs. */
export const DEFAULT_ASSET_DIR = fileURLToPath(new URL("../../dist-lambda", import.meta.url));

export interface CreateAppOptions {
  /** Context values, as `-c key=value` would give them (CLI context overrides these). */
  readonly context?: Record<string, unknown>;
  /** Where `app.synth()` writes the cloud assembly; the CLI sets its own. */
  readonly outdir?: string;
}

/**
 * The exec-intel CDK app: reads the configuration from context, builds the one stack and
 * registers the cdk-nag AwsSolutions checks for the whole app. Shared by infra/app.ts and the tests.
 */
export function createApp(options: CreateAppOptions = {}): {
  app: cdk.App;
  stack: ExecIntelStack;
  config: InfraConfig;
} {
  const app = new cdk.App({
    // app.ts synthesizes explicitly; no synth-on-exit of a half-built stack after a config error.
    autoSynth: false,
    ...(options.context !== undefined ? { context: options.context } : {}),
    ...(options.outdir !== undefined ? { outdir: options.outdir } : {}),
  });
  const config = readInfraConfig((key) => app.node.tryGetContext(key), DEFAULT_ASSET_DIR);
  const stack = new ExecIntelStack(app, config.stackName, {
    description: "exec-intel: monthly executive reports (schedule, queue, worker, SES, archive)",
    ...(config.account !== undefined || config.region !== undefined
      ? { env: { account: config.account, region: config.region } }
      : {}),
    lambdaAssetDir: config.lambdaAssetDir,
    senderIdentity: config.senderIdentity,
    ...(config.replyRecipient !== undefined ? { replyRecipient: config.replyRecipient } : {}),
    scheduleExpression: config.scheduleExpression,
    scheduleTimezone: config.scheduleTimezone,
    logRetention: config.logRetentionDays,
  });
  cdk.Tags.of(stack).add("app", "exec-intel");
  // cdk-nag 3 is a CDK policy-validation plugin (no longer an Aspect): it runs at synth, writes
  // its findings to validation-report.json in the cloud assembly and fails the synth on any
  // unacknowledged error. Acknowledgements are Validations.of(construct).acknowledge().
  cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, config };
}
