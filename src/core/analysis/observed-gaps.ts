import type { CloudAccount, Repository, TenantModel } from "../model/index.js";
import { plural } from "./common.js";
import type { Evidence, Severity } from "./types.js";

// Security gaps observed by the collectors (git repositories, AWS accounts) rather than written
// down by a person. Each carries words for matching it with the handoff item that describes the
// same gap, evidence that never holds a credential (kind, commit, path and masked fingerprint
// only), and an action for when no handoff note has one.

/** A gap a collector found, before it is matched with the handoff notes. */
export interface ObservedGap {
  entity: string;
  /** Stable across runs: kind of gap and the resource it is about. */
  subject: string;
  title: string;
  /** Words that describe the gap, for matching it with a handoff item. */
  matchText: string;
  evidence: Evidence[];
  severity: Severity;
  action: string;
}

const short = (commit: string) => commit.slice(0, 7);

function repoEvidence(repo: Repository, text: string, file?: string, line?: number): Evidence {
  const path = file !== undefined ? `${repo.path}/${file}` : repo.path;
  return {
    text,
    source:
      line !== undefined
        ? { sourceId: repo.provenance.sourceId, file: path, line }
        : { sourceId: repo.provenance.sourceId, file: path },
  };
}

function accountEvidence(account: CloudAccount, text: string): Evidence {
  return { text, source: { sourceId: account.provenance.sourceId, file: account.provenance.file } };
}

function repositoryGaps(repo: Repository): ObservedGap[] {
  const gaps: ObservedGap[] = [];
  const envPaths = new Set(repo.envFiles.map((f) => f.path));
  const loose = repo.secrets.filter((s) => !envPaths.has(s.path));
  if (loose.length > 0) {
    const kinds = [...new Set(loose.map((s) => s.kind))];
    const onlyHistory = loose.every((s) => !s.inHead);
    gaps.push({
      entity: repo.entity,
      subject: `git-credential/${repo.id}`,
      title: `${repo.name}: ${plural(loose.length, "credential")} committed to git${onlyHistory ? " history" : ""} (${kinds.join(", ")})`,
      matchText: `credential secret key hard-coded committed git history source code ${kinds.join(" ")}`,
      evidence: loose.map((s) =>
        repoEvidence(
          repo,
          `${s.kind} ${s.fingerprint} added in commit ${short(s.commit)} (${s.commitDate}) at ${s.path}${s.line !== undefined ? `:${s.line}` : ""}; ${s.inHead ? "still in the current tree" : "removed from the current tree, still in the history"}`,
          s.path,
          s.line,
        ),
      ),
      severity: loose.some((s) => s.inHead || /\blive\b/i.test(s.kind)) ? "critical" : "high",
      action: `Rotate ${loose.length === 1 ? "the credential" : "each credential"} in ${repo.name}, then purge ${loose.length === 1 ? "it" : "them"} from the git history.`,
    });
  }
  for (const env of repo.envFiles) {
    const inside = repo.secrets.filter((s) => s.path === env.path);
    gaps.push({
      entity: repo.entity,
      subject: `git-env-file/${repo.id}/${env.path}`,
      title: `${repo.name}: plaintext ${env.path} committed${inside.length > 0 ? ` with ${plural(inside.length, "credential")}` : ""}`,
      matchText: `plaintext env file committed repository history production settings ${env.path} ${inside.map((s) => s.kind).join(" ")}`,
      evidence: [
        repoEvidence(
          repo,
          `${env.path} committed in ${short(env.commit)} (${env.commitDate}); ${env.inHead ? "still in the current tree" : "removed from the current tree, still in the history"}`,
          env.path,
        ),
        ...inside.map((s) =>
          repoEvidence(
            repo,
            `${s.kind} ${s.fingerprint} in ${s.path}${s.line !== undefined ? `:${s.line}` : ""}`,
            s.path,
            s.line,
          ),
        ),
      ],
      severity: "critical",
      action: `Remove ${env.path} from ${repo.name} and its history, and rotate every credential it held.`,
    });
  }
  if (repo.endpoints.length > 0) {
    const handlers = repo.endpoints.map((e) => e.handler);
    gaps.push({
      entity: repo.entity,
      subject: `open-endpoint/${repo.id}`,
      title: `${repo.name}: ${handlers.join(" and ")} accept${handlers.length === 1 ? "s" : ""} unauthenticated requests`,
      matchText: `unauthenticated requests endpoint web app no token check ${handlers.join(" ")}`,
      evidence: repo.endpoints.map((e) =>
        repoEvidence(repo, `${e.handler}: ${e.note}`, e.path, e.line),
      ),
      severity: "high",
      action: `Require a shared secret or signed-in user in ${handlers.join(" and ")} of ${repo.name}.`,
    });
  }
  return gaps;
}

function accountGaps(account: CloudAccount): ObservedGap[] {
  const gaps: ObservedGap[] = [];
  const entityOf = (resource: { entity?: string }) => resource.entity ?? account.entity;
  for (const d of account.distributions.filter((x) => x.webAclId === null)) {
    const entity = entityOf(d);
    if (entity === undefined) continue;
    gaps.push({
      entity,
      subject: `cloudfront-no-waf/${d.id}`,
      title: `CloudFront distribution ${d.id} has no WAF web ACL`,
      matchText: "CloudFront distribution no AWS WAF web ACL attached rate limiting bot protection",
      evidence: [
        accountEvidence(
          account,
          `CloudFront distribution ${d.id} (${[d.domainName, ...d.aliases].join(", ")}): no web ACL attached`,
        ),
      ],
      severity: "high",
      action: `Attach an AWS WAF web ACL with a rate-based rule to distribution ${d.id}.`,
    });
  }
  const byEntity = <T extends { entity?: string }>(items: readonly T[]) => {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const entity = entityOf(item);
      if (entity === undefined) continue;
      groups.set(entity, [...(groups.get(entity) ?? []), item]);
    }
    return groups;
  };
  for (const [entity, functions] of byEntity(
    account.functions.filter((f) => f.secretLikeEnvNames.length > 0),
  )) {
    const names = [...new Set(functions.flatMap((f) => f.secretLikeEnvNames))];
    gaps.push({
      entity,
      subject: `lambda-env-secrets/${account.id}/${entity}`,
      title: `${plural(functions.length, "Lambda function")} keep${functions.length === 1 ? "s" : ""} secrets in environment variables (${names.join(", ")})`,
      matchText: `secret key environment variables plain not secret manager ${names.join(" ").replace(/_/g, " ")}`,
      evidence: functions.map((f) =>
        accountEvidence(
          account,
          `Lambda ${f.name} (${f.runtime}): environment variables ${f.secretLikeEnvNames.join(", ")} (names only; values not read)`,
        ),
      ),
      severity: "medium",
      action: `Move ${names.join(", ")} into AWS Secrets Manager and read ${names.length === 1 ? "it" : "them"} at cold start.`,
    });
  }
  for (const [entity, groups] of byEntity(account.logGroups.filter((g) => g.kmsKeyId === null))) {
    const forever = groups.filter((g) => g.retentionDays === null).length;
    gaps.push({
      entity,
      subject: `logs-unencrypted/${account.id}/${entity}`,
      title: `${plural(groups.length, "CloudWatch log group")} without KMS encryption`,
      matchText: `CloudWatch logs log groups logging not encrypted KMS key ${forever > 0 ? "never expire retention" : ""}`,
      evidence: groups.map((g) =>
        accountEvidence(
          account,
          `log group ${g.name}: no KMS key, ${g.retentionDays === null ? "never expires" : `kept ${g.retentionDays} days`}`,
        ),
      ),
      severity: "medium",
      action: `Encrypt ${groups.length === 1 ? "the log group" : `the ${groups.length} log groups`} with a KMS key${forever > 0 ? " and set a retention period" : ""}.`,
    });
  }
  for (const b of account.buckets.filter(
    (x) => x.encrypted === false || x.publicAccessBlocked === false,
  )) {
    const entity = entityOf(b);
    if (entity === undefined) continue;
    const problems = [
      b.encrypted === false ? "no default encryption" : "",
      b.publicAccessBlocked === false ? "no public access block" : "",
    ].filter(Boolean);
    gaps.push({
      entity,
      subject: `s3-bucket/${b.name}`,
      title: `S3 bucket ${b.name}: ${problems.join(" and ")}`,
      matchText: `S3 bucket ${problems.join(" ")} public access encryption`,
      evidence: [accountEvidence(account, `bucket ${b.name}: ${problems.join(", ")}`)],
      severity: b.publicAccessBlocked === false ? "high" : "medium",
      action: `Turn on ${problems.includes("no default encryption") ? "default encryption" : ""}${problems.length === 2 ? " and " : ""}${problems.includes("no public access block") ? "the public access block" : ""} for bucket ${b.name}.`,
    });
  }
  return gaps;
}

/** Every security gap the git and AWS collectors observed, repositories first. */
export function observedSecurityGaps(model: TenantModel): ObservedGap[] {
  return [
    ...model.repositories.flatMap(repositoryGaps),
    ...model.cloudAccounts.flatMap(accountGaps),
  ];
}

const DELIVERY_WORDS = {
  ci: "CI/CD continuous integration nothing runs on push",
  tests: "tests",
  staging: "staging",
  deployScripts: "deploys deploy scripts manual",
  rollbackDocs: "rollback",
} as const;

const DELIVERY_LABELS = {
  ci: "CI",
  tests: "tests",
  staging: "staging",
  deployScripts: "deploy scripts",
  rollbackDocs: "rollback notes",
} as const;

/**
 * Delivery-cycle gaps observed in each repository: one per repository, naming every step the
 * repository shows no file for (CI, tests, staging, deploy scripts, rollback notes).
 */
export function observedDeliveryGaps(model: TenantModel): ObservedGap[] {
  return model.repositories.flatMap((repo): ObservedGap[] => {
    const steps = (Object.keys(DELIVERY_LABELS) as (keyof typeof DELIVERY_LABELS)[]).filter(
      (step) => repo.delivery[step].length === 0,
    );
    if (steps.length === 0) return [];
    const labels = steps.map((step) => DELIVERY_LABELS[step]);
    const list =
      labels.length === 1
        ? (labels[0] ?? "")
        : `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
    return [
      {
        entity: repo.entity,
        subject: `delivery/${repo.id}`,
        title: `${repo.name} has no ${list}`,
        matchText: steps.map((step) => DELIVERY_WORDS[step]).join(" "),
        evidence: [
          repoEvidence(
            repo,
            `${repo.name} at ${repo.headCommit.slice(0, 7)} (${repo.lastCommitDate}): no file for ${list}`,
          ),
        ],
        severity: steps.includes("ci") ? "medium" : "low",
        action: `Add ${list.replace(/ or ([^,]+)$/, " and $1")} to ${repo.name}.`,
      },
    ];
  });
}
