#!/usr/bin/env node
import { createApp } from "./lib/app.js";
// The CDK app entry. Run by `cdk synth` from infra/ (infra/cdk.json: `npx tsx app.ts`); see
// infra/README.md for the context keys.
import { InfraConfigError } from "./lib/config.js";

try {
  createApp().app.synth();
} catch (error) {
  // A configuration mistake is the user's to fix: say what and how, without a stack trace.
  if (!(error instanceof InfraConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
