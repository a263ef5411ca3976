import type { StackItem } from "../model/index.js";
import { endOfLife } from "./end-of-life.js";

// Stack detection from a repository's current tree: which file shows which technology, at which
// declared version. Each rule is small and declarative; the first rule to give a technology a
// version wins, so exact sources (lock files, version files) are listed before loose ones.

/** A technology as a rule sees it; end of life is added afterwards for the period. */
type Found = Omit<StackItem, "endOfLife">;

interface ManifestRule {
  /** True for the files (repository-relative paths) the rule reads. */
  matches: (path: string) => boolean;
  /** What the file shows. */
  detect: (text: string, path: string) => Found[];
}

// Vendored code is someone else's stack.
const VENDORED = /(?:^|\/)(?:node_modules|vendor|bower_components|\.bundle|dist|build)\//;

const base = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const named =
  (...names: string[]) =>
  (path: string) =>
    names.includes(base(path));
const found = (
  technology: string,
  kind: StackItem["kind"],
  evidence: string,
  version?: string,
): Found =>
  version === undefined ? { technology, kind, evidence } : { technology, kind, evidence, version };

/**
 * A package that shows a technology: its name and kind, and whether the package's version is the
 * technology's (a database client's version says nothing of the database server's).
 */
type KnownPackage = [technology: string, kind: StackItem["kind"], versioned?: false];

/** Dependencies that name a framework, an infrastructure tool or a platform, by package. */
const NODE_PACKAGES: Record<string, KnownPackage> = {
  express: ["Express", "framework"],
  fastify: ["Fastify", "framework"],
  koa: ["Koa", "framework"],
  "@nestjs/core": ["NestJS", "framework"],
  react: ["React", "framework"],
  next: ["Next.js", "framework"],
  vue: ["Vue", "framework"],
  nuxt: ["Nuxt", "framework"],
  svelte: ["Svelte", "framework"],
  "@sveltejs/kit": ["SvelteKit", "framework"],
  "@angular/core": ["Angular", "framework"],
  gatsby: ["Gatsby", "framework"],
  "aws-cdk-lib": ["AWS CDK", "infrastructure"],
  "@aws-cdk/core": ["AWS CDK", "infrastructure"],
  "aws-cdk": ["AWS CDK", "infrastructure"],
  serverless: ["Serverless Framework", "infrastructure"],
  stripe: ["Stripe", "platform"],
  typescript: ["TypeScript", "language"],
};

const RUBY_GEMS: Record<string, KnownPackage> = {
  rails: ["Rails", "framework"],
  sinatra: ["Sinatra", "framework"],
  pg: ["PostgreSQL", "platform", false],
  stripe: ["Stripe", "platform"],
};

const PYTHON_PACKAGES: Record<string, KnownPackage> = {
  django: ["Django", "framework"],
  flask: ["Flask", "framework"],
  fastapi: ["FastAPI", "framework"],
  "psycopg2-binary": ["PostgreSQL", "platform", false],
  psycopg2: ["PostgreSQL", "platform", false],
  stripe: ["Stripe", "platform"],
};

/** Container images that are a runtime or a database, by the image's last path segment. */
const RUNTIME_IMAGES: Record<string, string> = {
  node: "Node.js",
  nodejs: "Node.js",
  ruby: "Ruby",
  python: "Python",
  postgres: "PostgreSQL",
  postgresql: "PostgreSQL",
};

/** Lambda-style runtime names (`nodejs18.x`, `python3.8`, `ruby2.7`). */
const LAMBDA_RUNTIME = /\b(nodejs|python|ruby)(\d+(?:\.\d+)?)(?:\.x)?\b/g;
const LAMBDA_LANGUAGES: Record<string, string> = {
  nodejs: "Node.js",
  python: "Python",
  ruby: "Ruby",
};

/** Servers: a repository with one of these is an app, not a static site. */
const SERVER_FRAMEWORKS = new Set([
  "Express",
  "Fastify",
  "Koa",
  "NestJS",
  "Next.js",
  "Nuxt",
  "SvelteKit",
  "Rails",
  "Sinatra",
  "Django",
  "Flask",
  "FastAPI",
]);

const firstLine = (text: string) => text.trim().split(/\r?\n/, 1)[0]?.trim() ?? "";

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const asRecord = (value: unknown): Record<string, string> =>
  typeof value === "object" && value !== null ? (value as Record<string, string>) : {};

/** The technology a package of `table` shows, if any, at the package's declared version. */
function fromPackage(
  table: Record<string, KnownPackage>,
  name: string,
  path: string,
  version: string | undefined,
): Found[] {
  const known = table[name];
  if (known === undefined) return [];
  const [technology, kind, versioned] = known;
  return [found(technology, kind, path, versioned === false ? undefined : version)];
}

function fromPackageJson(text: string, path: string): Found[] {
  const manifest = parseJson(text);
  if (manifest === undefined) return [];
  const engine = asRecord(manifest.engines).node;
  const items = [
    found("Node.js", "runtime", path, typeof engine === "string" ? engine : undefined),
  ];
  const dependencies = {
    ...asRecord(manifest.devDependencies),
    ...asRecord(manifest.dependencies),
  };
  for (const [name, version] of Object.entries(dependencies))
    items.push(...fromPackage(NODE_PACKAGES, name, path, String(version)));
  return items;
}

function fromLambdaRuntimes(text: string, path: string): Found[] {
  return [...text.matchAll(LAMBDA_RUNTIME)].map((m) =>
    found(LAMBDA_LANGUAGES[m[1] as string] as string, "runtime", path, m[2]),
  );
}

function fromImage(reference: string, path: string): Found[] {
  const [image = "", tag] = reference.split("@")[0]?.split(/:(?=[^/]*$)/) ?? [];
  const items = [found("Docker", "container", path, reference)];
  const runtime = RUNTIME_IMAGES[image.slice(image.lastIndexOf("/") + 1)];
  if (runtime !== undefined) items.push(found(runtime, "runtime", path, tag));
  return items;
}

function fromDockerfile(text: string, path: string): Found[] {
  const stages = new Set<string>();
  const items: Found[] = [];
  for (const m of text.matchAll(/^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/gim)) {
    const reference = m[1] as string;
    if (reference !== "scratch" && !stages.has(reference.toLowerCase()))
      items.push(...fromImage(reference, path));
    if (m[2] !== undefined) stages.add(m[2].toLowerCase());
  }
  return items;
}

function fromGems(text: string, path: string): Found[] {
  const items: Found[] = [found("Ruby", "language", path)];
  const ruby = /^\s*ruby\s+["']([^"']+)["']/m.exec(text);
  if (ruby !== null) items.unshift(found("Ruby", "runtime", path, ruby[1]));
  for (const m of text.matchAll(/^\s*gem\s+["']([^"']+)["'](?:\s*,\s*["']([^"']+)["'])?/gm))
    items.push(...fromPackage(RUBY_GEMS, m[1] as string, path, m[2]));
  return items;
}

function fromGemLock(text: string, path: string): Found[] {
  const items: Found[] = [];
  const ruby = /^RUBY VERSION\s*\n\s+ruby\s+(\S+)/m.exec(text);
  if (ruby !== null) items.push(found("Ruby", "runtime", path, ruby[1]));
  for (const m of text.matchAll(/^ {4}([a-z0-9_-]+) \(([^)]+)\)$/gm))
    items.push(...fromPackage(RUBY_GEMS, m[1] as string, path, m[2]));
  return items;
}

function pythonPackage(name: string, version: string | undefined, path: string): Found[] {
  return fromPackage(PYTHON_PACKAGES, name.toLowerCase(), path, version);
}

function fromPythonRequirements(text: string, path: string): Found[] {
  const requirement = /^\s*([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*([=<>~!]=?=?\s*[\w.*]+)?/gm;
  return [
    found("Python", "language", path),
    ...[...text.matchAll(requirement)].flatMap((m) =>
      pythonPackage(m[1] as string, m[2]?.replace(/\s/g, ""), path),
    ),
  ];
}

// pyproject.toml (PEP 621 lists such as "django>=4.2", Poetry tables such as django = "^4.2")
// and Pipfile (django = "*", python_version = "3.8").
function fromPyproject(text: string, path: string): Found[] {
  const items = [found("Python", "language", path)];
  const version = /^\s*(?:requires-python|python_version|python)\s*=\s*["']([^"']+)["']/m.exec(
    text,
  )?.[1];
  if (version !== undefined) items.unshift(found("Python", "runtime", path, version));
  for (const m of text.matchAll(
    /["']([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*([=<>~!]=?[\w.*]+)?[^"']*["']/g,
  ))
    items.push(...pythonPackage(m[1] as string, m[2], path));
  for (const m of text.matchAll(/^\s*([A-Za-z0-9_.-]+)\s*=\s*["']([^"']*)["']/gm))
    items.push(...pythonPackage(m[1] as string, m[2] === "*" ? undefined : m[2], path));
  return items;
}

function fromTerraform(text: string, path: string): Found[] {
  const required = /required_version\s*=\s*"([^"]+)"/.exec(text);
  const items = [found("Terraform", "infrastructure", path, required?.[1])];
  const providers = new Set<string>();
  for (const m of text.matchAll(/^\s*provider\s+"([\w-]+)"/gm)) providers.add(m[1] as string);
  for (const m of text.matchAll(/source\s*=\s*"(?:[\w.-]+\/)?([\w-]+)\/([\w-]+)"/g))
    providers.add(m[2] as string);
  for (const provider of providers)
    items.push(found(`Terraform provider ${provider}`, "infrastructure", path));
  return items;
}

const versionFile =
  (technology: string, prefix: RegExp) =>
  (text: string, path: string): Found[] => {
    const version = firstLine(text).replace(prefix, "");
    return version === "" ? [] : [found(technology, "runtime", path, version)];
  };

/** Files whose text is read, in order of precedence (exact versions first). */
const MANIFEST_RULES: readonly ManifestRule[] = [
  { matches: named(".nvmrc", ".node-version"), detect: versionFile("Node.js", /^v/) },
  { matches: named(".ruby-version"), detect: versionFile("Ruby", /^ruby-/) },
  { matches: named(".python-version"), detect: versionFile("Python", /^python-?/) },
  { matches: named("runtime.txt"), detect: versionFile("Python", /^python-/) },
  { matches: named("Gemfile.lock"), detect: fromGemLock },
  { matches: named("Gemfile"), detect: fromGems },
  { matches: named("package.json"), detect: fromPackageJson },
  {
    matches: named("appsscript.json"),
    detect: (text, path) => {
      const runtime = parseJson(text)?.runtimeVersion;
      return [
        found("Apps Script", "platform", path, typeof runtime === "string" ? runtime : undefined),
      ];
    },
  },
  {
    matches: named("serverless.yml", "serverless.yaml"),
    detect: (text, path) => [
      found("Serverless Framework", "infrastructure", path),
      ...fromLambdaRuntimes(text, path),
    ],
  },
  {
    matches: named("template.yaml", "template.yml", "template.json", "sam.yaml"),
    detect: (text, path) =>
      /AWS::Serverless/.test(text)
        ? [found("AWS SAM", "infrastructure", path), ...fromLambdaRuntimes(text, path)]
        : [],
  },
  {
    matches: (path) => /^(?:Dockerfile|Containerfile)(?:\..+)?$|\.Dockerfile$/i.test(base(path)),
    detect: fromDockerfile,
  },
  {
    matches: (path) => /^(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$/.test(base(path)),
    detect: (text, path) =>
      [...text.matchAll(/^\s*image:\s*["']?([^\s"'#]+)/gm)].flatMap((m) =>
        fromImage(m[1] as string, path),
      ),
  },
  { matches: (path) => path.endsWith(".tf"), detect: fromTerraform },
  { matches: named("requirements.txt"), detect: fromPythonRequirements },
  { matches: named("pyproject.toml", "Pipfile"), detect: fromPyproject },
];

/** Files whose presence alone shows a technology. */
const PATH_RULES: readonly [(path: string) => boolean, string, StackItem["kind"]][] = [
  [named("cdk.json"), "AWS CDK", "infrastructure"],
  [named(".clasp.json"), "Apps Script", "platform"],
  [named("tsconfig.json"), "TypeScript", "language"],
  [(path) => /\.gs$/.test(path), "Apps Script", "platform"],
];

/** True for a file whose text stack detection needs (the caller reads only these). */
export function isStackManifest(path: string): boolean {
  return !VENDORED.test(path) && MANIFEST_RULES.some((rule) => rule.matches(path));
}

/**
 * The stack a repository's current tree shows: `files` is every path of the tree, `texts` the
 * text of the manifests among them (see `isStackManifest`). End-of-life flags are set for
 * versions past their end at `periodEnd` (YYYY-MM-DD).
 */
export function detectStack(
  files: readonly string[],
  texts: ReadonlyMap<string, string>,
  periodEnd: string,
): StackItem[] {
  const own = files.filter((path) => !VENDORED.test(path)).sort(byDepth);
  const items: Found[] = [];
  for (const rule of MANIFEST_RULES) {
    for (const path of own) {
      const text = texts.get(path);
      if (text !== undefined && rule.matches(path)) items.push(...rule.detect(text, path));
    }
  }
  for (const [matches, technology, kind] of PATH_RULES) {
    const path = own.find(matches);
    if (path !== undefined) items.push(found(technology, kind, path));
  }
  const stack = mergeStack(items);
  if (own.includes("index.html") && !stack.some((item) => SERVER_FRAMEWORKS.has(item.technology)))
    stack.push(found("Static site", "static-site", "index.html"));
  return stack.map((item) => {
    const eol =
      item.version === undefined ? undefined : endOfLife(item.technology, item.version, periodEnd);
    return eol === undefined ? item : { ...item, endOfLife: eol };
  });
}

/** Root files first, then by path: a repository's own manifest beats a nested example's. */
function byDepth(a: string, b: string): number {
  return a.split("/").length - b.split("/").length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * One item per technology (per image for containers): the first with a version, else the first.
 * A runtime seen only as a language keeps the runtime kind.
 */
function mergeStack(items: readonly Found[]): Found[] {
  const byKey = new Map<string, Found>();
  for (const item of items) {
    const key = item.kind === "container" ? `${item.technology} ${item.version}` : item.technology;
    const kept = byKey.get(key);
    if (kept === undefined) byKey.set(key, item);
    else if (kept.version === undefined && item.version !== undefined)
      byKey.set(key, { ...item, kind: kept.kind === "runtime" ? "runtime" : item.kind });
    else if (kept.kind === "language" && item.kind === "runtime")
      byKey.set(key, { ...kept, kind: "runtime" });
  }
  return [...byKey.values()];
}
