import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { SecretLintCoreConfig, SecretLintCoreResultMessage } from "@secretlint/types";
import {
  CONTEXT_SPECIFICITY,
  DETECTORS_MODULE_URL,
  dedupeMatches,
  findSecrets,
  lineLocator,
  maskSecret,
  privateKeyKind,
  type SecretMatch,
  VENDOR_SPECIFICITY,
} from "../../core/validate/secret-patterns.js";
import type { SecretHit } from "../../core/validate/types.js";
import { quietSecretlintProfiler } from "./secretlint-profiler.js";

// The credential scanner: secretlint's recommended preset plus our own detectors over every
// output, each hit located by line and described by kind and masked fingerprint.

/** One text to scan: an output of a report (or the run's log). */
export interface ScanItem {
  /** Report id, or `log`. */
  report: string;
  /** Output name: `subject`, `html`, `text`, `markdown`, `json`, a chart file name, `log`. */
  output: string;
  text: string;
}

const PRESET_ID = "@secretlint/secretlint-rule-preset-recommend";

// Human words per secretlint message id; some are refined by the secret's own prefix below.
const KINDS: Record<string, string> = {
  AWSAccessKeyID: "AWS access key ID",
  AWSSecretAccessKey: "AWS secret access key",
  AWSAccountID: "AWS account ID",
  PrivateKeyJSON: "GCP service account key",
  PrivateKeyP12: "GCP service account key",
  PackageJSON_xOauthToken: "GitHub token in a URL",
  Npmrc_authToken: "npm auth token",
  NPM_ACCESS_TOKEN: "npm access token",
  SLACK_TOKEN: "Slack token",
  IncomingWebhook: "Slack webhook URL",
  BasicAuth: "password in a URL",
  OPENAI_TOKEN: "OpenAI API key",
  ANTHROPIC_API_KEY: "Anthropic API key",
  LINEAR_API_TOKEN: "Linear API key",
  SENDGRID_KEY: "SendGrid API key",
  SHOPIFY_KEY: "Shopify access token",
  GITHUB_TOKEN: "GitHub token",
  OPS_TOKEN: "1Password service account token",
  MongoDBConnection: "database URL with a password",
  MySQLConnection: "database URL with a password",
  PostgreSQLConnection: "database URL with a password",
};

const PREFIX_KINDS: [RegExp, string][] = [
  [/^ghp_/, "GitHub personal access token"],
  [/^gho_/, "GitHub OAuth token"],
  [/^gh[us]_/, "GitHub app token"],
  [/^ghr_/, "GitHub refresh token"],
  [/^github_pat_/, "GitHub fine-grained access token"],
  [/^xoxb-/, "Slack bot token"],
  [/^xoxp-/, "Slack user token"],
  [/^xapp-/, "Slack app token"],
];

// secretlint reports URL credentials up to the next space: in HTML or JSON that takes markup too.
const URL_MESSAGES = new Set([
  "BasicAuth",
  "MongoDBConnection",
  "MySQLConnection",
  "PostgreSQLConnection",
]);

type LintSource = typeof import("@secretlint/core").lintSource;
let loaded: Promise<{ lintSource: LintSource; config: SecretLintCoreConfig }> | undefined;

/** secretlint, loaded on first use so commands that never scan stay fast. */
function secretlint(): Promise<{ lintSource: LintSource; config: SecretLintCoreConfig }> {
  loaded ??= (async () => {
    const [{ lintSource }, { creator }] = await Promise.all([
      import("@secretlint/core"),
      import("@secretlint/secretlint-rule-preset-recommend"),
    ]);
    const config: SecretLintCoreConfig = {
      rules: [
        {
          id: PRESET_ID,
          rule: creator,
          rules: [
            // Access key ids are off by default in the preset; a report must never carry one.
            { id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } },
          ],
        },
      ],
    };
    return { lintSource, config };
  })();
  return loaded;
}

/** Scans every output for credentials: secretlint's recommended preset plus our own detectors. */
export async function scanSecrets(items: readonly ScanItem[]): Promise<SecretHit[]> {
  await quietSecretlintProfiler();
  const { lintSource, config } = await secretlint();
  const results = await Promise.all(
    items.map(async (item): Promise<SecretHit[]> => {
      const linted = await lintSource({
        source: {
          content: defuseDirectives(item.text),
          filePath: `${item.report}/${item.output}`,
          ext: "",
          contentType: "text",
        },
        options: { config, noPhysicFilePath: true },
      });
      const matches = [
        ...linted.messages.map((m) => fromSecretlint(m, item.text)),
        ...findSecrets(item.text),
      ];
      const lineOf = lineLocator(item.text);
      return dedupeMatches(matches).map((m) => {
        const value = item.text.slice(m.start, m.end);
        return {
          ruleId: m.ruleId,
          kind: m.kind,
          report: item.report,
          output: item.output,
          line: lineOf(m.start),
          value,
          fingerprint: maskSecret(value),
        };
      });
    }),
  );
  return results.flat();
}

// Report text is untrusted: a `secretlint-disable` comment pasted into a handoff note must not
// switch the scanner off. (In 11.7.1 `disabled` on a rule nested in a preset is ignored, so the
// filter-comments rule cannot be turned off by config.)
const DIRECTIVE = /secretlint-(?=disable|enable)/g;

/** The text with secretlint's comment directives defused; same length, so every offset holds. */
function defuseDirectives(text: string): string {
  return text.replace(DIRECTIVE, "secretlint_");
}

/** A secretlint message as a span of the text, with the value it named and human kind words. */
function fromSecretlint(message: SecretLintCoreResultMessage, text: string): SecretMatch {
  let [start, end] = message.range;
  // Some rules report the start of the whole match with the length of the captured secret
  // (AWS secret keys after `aws_secret_access_key=`); the value they name fixes the span.
  const named = namedValues(message);
  if (named.length > 0 && !named.includes(text.slice(start, end))) {
    for (const value of named) {
      const at = text.indexOf(value, start);
      if (at !== -1 && at <= end) {
        [start, end] = [at, at + value.length];
        break;
      }
    }
  }
  if (URL_MESSAGES.has(message.messageId)) end = start + urlLength(text.slice(start, end));
  const value = text.slice(start, end);
  const kind =
    message.messageId === "PrivateKey"
      ? privateKeyKind(value)
      : (PREFIX_KINDS.find(([prefix]) => prefix.test(value))?.[1] ??
        KINDS[message.messageId] ??
        message.messageId);
  return {
    ruleId: message.ruleId,
    kind,
    start,
    end,
    specificity: URL_MESSAGES.has(message.messageId) ? CONTEXT_SPECIFICITY : VENDOR_SPECIFICITY,
  };
}

/** The strings a message's data names (the secret among them), longest first. */
function namedValues(message: SecretLintCoreResultMessage): string[] {
  return Object.values((message.data ?? {}) as Record<string, unknown>)
    .filter((v): v is string => typeof v === "string" && v.length >= 8)
    .sort((a, b) => b.length - a.length);
}

/** Length of the URL starting `text`, which ends at markup, quotes, escapes or punctuation. */
function urlLength(text: string): number {
  const stop = text.search(/[\s"'<>`\\]|&(?:quot|lt|gt|#\d+);/);
  const url = stop === -1 ? text : text.slice(0, stop);
  return url.replace(/[).,;:]+$/, "").length;
}

/**
 * Identifies the rules `scanSecrets` applies: a hash of our detectors' module and the secretlint
 * preset's version. Caches of earlier scans (the git history scan) are reused only under the same
 * rules, so a new or changed detector makes them rescan.
 */
export function secretRulesFingerprint(): string {
  const require = createRequire(import.meta.url);
  const preset = require("@secretlint/secretlint-rule-preset-recommend/package.json") as {
    version: string;
  };
  const detectors = readFileSync(fileURLToPath(DETECTORS_MODULE_URL));
  const ours = createHash("sha256").update(detectors).digest("hex").slice(0, 12);
  return `secretlint-preset ${preset.version}, detectors ${ours}`;
}
