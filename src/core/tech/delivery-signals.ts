import type { DeliverySignals } from "../model/index.js";

// Delivery-cycle signals from a repository's current tree: mostly by path, with a content check
// only for the few small files whose name alone says nothing (a Makefile, a runbook).

/** At most this many paths per signal: they are evidence, not an inventory. */
export const MAX_EVIDENCE = 20;

interface SignalRule {
  signal: keyof DeliverySignals;
  /** True when the path alone shows the signal. */
  path?: (path: string) => boolean;
  /** For files whose text must say it: which files, and what their text must match. */
  content?: { path: (path: string) => boolean; text: RegExp };
}

const VENDORED = /(?:^|\/)(?:node_modules|vendor|bower_components|\.bundle)\//;
const DOC = /\.(?:md|markdown|txt|rst|adoc)$/i;
const base = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const oneOf = (...paths: string[]) => {
  const set = new Set(paths);
  return (path: string) => set.has(path);
};
const baseOneOf = (...names: string[]) => {
  const set = new Set(names);
  return (path: string) => set.has(base(path));
};

const RULES: readonly SignalRule[] = [
  {
    signal: "ci",
    path: (path) =>
      /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) ||
      oneOf(
        ".gitlab-ci.yml",
        ".circleci/config.yml",
        "buildspec.yml",
        "buildspec.yaml",
        "Jenkinsfile",
        "bitbucket-pipelines.yml",
        ".travis.yml",
        "azure-pipelines.yml",
      )(path),
  },
  {
    signal: "tests",
    path: (path) =>
      /(?:^|\/)(?:test|tests|spec|__tests__)\//.test(path) ||
      /\.(?:test|spec)\.[a-z]+$|_spec\.rb$|_test\.(?:py|rb|go)$|(?:^|\/)test_[^/]+\.py$/.test(path),
  },
  {
    signal: "staging",
    path: (path) => /(?:^|[/._-])staging(?:$|[/._-])/i.test(path),
    content: {
      path: (path) =>
        baseOneOf("samconfig.toml", "serverless.yml", "serverless.yaml")(path) ||
        /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path),
      text: /^\s*\[staging\b|\bstage\b["']?\s*[:=]?\s*["']?staging\b|environment:\s*["']?staging\b/im,
    },
  },
  {
    signal: "deployScripts",
    path: (path) =>
      (/^deploy(?:[-_.][\w.-]*)?$/i.test(base(path)) && !DOC.test(path)) ||
      /^(?:scripts|bin)\/deploy/i.test(path) ||
      baseOneOf(
        "Procfile",
        ".clasp.json",
        "Capfile",
        "samconfig.toml",
        "appspec.yml",
        "fly.toml",
        "netlify.toml",
        "vercel.json",
      )(path) ||
      path === "config/deploy.rb",
    content: {
      path: baseOneOf("Makefile", "makefile", "package.json"),
      text: /^deploy[\w-]*\s*:(?!=)|"deploy[\w:-]*"\s*:/m,
    },
  },
  {
    signal: "rollbackDocs",
    path: (path) =>
      /rollback|roll-back/i.test(base(path)) && (DOC.test(path) || !base(path).includes(".")),
    content: {
      path: (path) => /(?:^|\/)runbook[^/]*$/i.test(path) && DOC.test(path),
      text: /\broll(?:ing)?[\s-]?back\b/i,
    },
  },
];

/** True for a file whose text the delivery signals need (the caller reads only these). */
export function isDeliveryContentFile(path: string): boolean {
  return !VENDORED.test(path) && RULES.some((rule) => rule.content?.path(path) === true);
}

/**
 * Which files of the current tree show CI, tests, staging, deploy scripts and rollback docs.
 * Files under a test folder are summarised by that folder (`test/`).
 */
export function detectDeliverySignals(
  files: readonly string[],
  texts: ReadonlyMap<string, string>,
): DeliverySignals {
  const signals: Record<keyof DeliverySignals, Set<string>> = {
    ci: new Set(),
    tests: new Set(),
    staging: new Set(),
    deployScripts: new Set(),
    rollbackDocs: new Set(),
  };
  for (const path of files) {
    if (VENDORED.test(path)) continue;
    for (const rule of RULES) {
      const text = texts.get(path);
      const shown =
        rule.path?.(path) === true ||
        (rule.content !== undefined &&
          text !== undefined &&
          rule.content.path(path) &&
          rule.content.text.test(text));
      if (shown) signals[rule.signal].add(rule.signal === "tests" ? testEvidence(path) : path);
    }
  }
  const list = (set: Set<string>) => [...set].sort().slice(0, MAX_EVIDENCE);
  return {
    ci: list(signals.ci),
    tests: list(signals.tests),
    staging: list(signals.staging),
    deployScripts: list(signals.deployScripts),
    rollbackDocs: list(signals.rollbackDocs),
  };
}

/** A test file's outermost test folder (`packages/api/test/`), or the file itself. */
function testEvidence(path: string): string {
  const folder = /^(.*?(?:^|\/)(?:test|tests|spec|__tests__)\/)/.exec(path);
  return folder?.[1] ?? path;
}
