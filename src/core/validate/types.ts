import type { TenantConfig } from "../config.js";
import type { SourceFreshness } from "../model/index.js";
import type { ReportDocument } from "../reports/document.js";

/** The gates, in the order they run and are listed. */
export const GATE_IDS = [
  "coverage",
  "credentials",
  "canonical-names",
  "figure-consistency",
  "freshness",
  "limits",
] as const;

/** One gate of the validation gate. */
export type GateId = (typeof GATE_IDS)[number];

/** Something that blocks delivery (or, for a downgraded gate, a warning), with the way out. */
export interface GateProblem {
  gate: GateId;
  /** Report id `{tenant}/{period}/{role}`, when the problem belongs to one report. */
  report?: string;
  /** Section id, when the problem belongs to one section. */
  section?: string;
  /** What is wrong. Never contains a secret's value. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/** One rendition of a report as the gates see it: a name and its text. */
export interface GateOutput {
  /** `subject`, `html`, `text`, `markdown`, `json`, `pdf-text`, or a chart file name. */
  name: string;
  text: string;
}

/** One rendered report, with the facts of the message that would carry it. */
export interface GateReport {
  document: ReportDocument;
  outputs: GateOutput[];
  /** Size in bytes of the HTML part. */
  htmlBytes: number;
  /** Size in bytes of the whole assembled message (largest of its recipients' messages). */
  messageBytes: number;
  /** Recipients of one message (To + Cc + Bcc). */
  recipientsPerMessage: number;
}

/** A credential found in an output. The value stays in memory for redaction; problems use the mask. */
export interface SecretHit {
  /** e.g. `@secretlint/secretlint-rule-aws`, `exec-intel/jwt`. */
  ruleId: string;
  /** Human words for what it is, e.g. "AWS secret access key". */
  kind: string;
  /** Report id the output belongs to, or `log` for the run's own lines. */
  report: string;
  /** Output name (see GateOutput.name). */
  output: string;
  /** 1-based line in that output. */
  line: number;
  /** The secret itself. Never printed, logged or written. */
  value: string;
  /** Masked fingerprint: a short prefix and a hash, e.g. `sk_l… sha256:3f9a1c2e`. */
  fingerprint: string;
}

/** Gate settings from the workspace configuration (with defaults). */
export interface ValidationSettings {
  /** Gates whose problems are reported as warnings instead of blocking; always listed in the summary. */
  downgrade: GateId[];
  /** Secrets that may appear: by masked fingerprint hash (`sha256:…`) or by a regex over the value. */
  allowSecrets: { fingerprint?: string; pattern?: string; reason: string }[];
  /** Freshness: days after which a source blocks delivery (default: never; stale only warns). */
  blockAfterDays?: number;
  /** Per-source overrides of `blockAfterDays`, by source id. */
  sourceBlockAfterDays: Record<string, number>;
  /** Transport limits. */
  limits: { htmlBytes: number; messageBytes: number; subjectChars: number; recipients: number };
}

/** Everything the gates check for one tenant. */
export interface GateInput {
  tenant: TenantConfig;
  period: string;
  sources: SourceFreshness[];
  reports: GateReport[];
  /** Secrets found by the scanner adapter in every output (and the run's log lines). */
  secrets: SecretHit[];
  settings: ValidationSettings;
  /** Roles asked for on the command line (`--report`); coverage checks only these. */
  requestedRoles?: string[];
  /** Domains the AWS accounts host in Route 53, with the entity of each account when known. */
  hostedZones?: { domain: string; entity?: string }[];
}

/** A gate: pure, from the batch to its problems. */
export type Gate = (input: GateInput) => GateProblem[];
