import path from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { InputError, type Problem, problem } from "../../core/errors.js";
import type { Rule, RuleContext, RuleHit } from "../../core/rules/rule.js";
import { listWorkspaceFiles } from "../sources/workspace-files.js";

/** Folder of the workspace that holds user rules, one TypeScript module each. */
export const RULES_FOLDER = "rules";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and dashes");
const ruleSchema = z.strictObject({
  id: slug,
  category: slug,
  roles: z.array(slug).min(1, "name at least one role whose report carries the finding"),
  severity: z.enum(["critical", "high", "medium", "low"]),
  effort: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  impact: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  thresholds: z.record(z.string(), z.number()).optional(),
  evaluate: z.custom<Rule["evaluate"]>(
    (value) => typeof value === "function",
    "must be a function (context) => hits",
  ),
});
const hitSchema = z.strictObject({
  subject: z.string().min(1),
  title: z.string().min(1),
  entity: z.string().optional(),
  evidence: z.array(
    z.strictObject({
      text: z.string(),
      source: z.object({
        sourceId: z.string(),
        file: z.string(),
        line: z.number().int().optional(),
      }),
    }),
  ),
  action: z.string().min(1),
  severity: z.enum(["critical", "high", "medium", "low"]).optional(),
  effort: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  impact: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
});

/**
 * Loads `rules/*.ts` from the workspace (compiled on the fly by tsx), checks each default export
 * is a rule (or a list of rules), and wraps its evaluate so a faulty rule names its file.
 */
export async function loadWorkspaceRules(
  workspace: string,
  builtInIds: ReadonlySet<string>,
): Promise<Rule[]> {
  const listing = await listWorkspaceFiles(workspace, RULES_FOLDER, ".ts");
  if (listing.files.length === 0) return [];
  const { tsImport } = await import("tsx/esm/api");
  const problems: Problem[] = [];
  const rules: Rule[] = [];
  for (const file of listing.files) {
    let exported: unknown;
    try {
      const module = (await tsImport(
        pathToFileURL(path.resolve(workspace, file)).href,
        import.meta.url,
      )) as { default?: unknown };
      exported = module.default;
    } catch (error) {
      const syntax = syntaxErrorOf(error);
      problems.push(
        problem(
          file,
          syntax?.line ?? lineOf(error),
          `rule module does not load: ${syntax?.message ?? firstLine(error)}`,
          "fix the TypeScript error; the module must `export default` a rule",
          syntax?.column,
        ),
      );
      continue;
    }
    const candidates = Array.isArray(exported) ? exported : [exported];
    candidates.forEach((candidate, index) => {
      const parsed = ruleSchema.safeParse(candidate, { reportInput: true });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const where = [Array.isArray(exported) ? `[${index}]` : "", ...issue.path.map(String)]
            .filter(Boolean)
            .join(".");
          problems.push(
            problem(
              file,
              undefined,
              `default export ${where || "(the rule)"}: ${issue.message}`,
              "export default { id, category, roles, severity, effort, impact, evaluate } (see docs/workspace.md)",
            ),
          );
        }
        return;
      }
      const rule = parsed.data as Rule;
      if (builtInIds.has(rule.id) || rules.some((r) => r.id === rule.id)) {
        problems.push(
          problem(
            file,
            undefined,
            `rule id "${rule.id}" is already taken`,
            "give the rule an id of its own",
          ),
        );
        return;
      }
      rules.push(guarded(rule, file));
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return rules;
}

/** Wraps a user rule so that a throw or a malformed hit is reported against its file. */
function guarded(rule: Rule, file: string): Rule {
  return {
    ...rule,
    evaluate(context: RuleContext): RuleHit[] {
      let hits: unknown;
      try {
        hits = rule.evaluate(context);
      } catch (error) {
        throw new InputError([
          problem(
            file,
            lineOf(error),
            `rule "${rule.id}" failed: ${firstLine(error)}`,
            "fix the rule's evaluate function",
          ),
        ]);
      }
      const parsed = z.array(hitSchema).safeParse(hits);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const at = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
        throw new InputError([
          problem(
            file,
            undefined,
            `rule "${rule.id}" returned a malformed hit${at}: ${issue?.message}`,
            "return a list: [{ subject, title, evidence, action }]",
          ),
        ]);
      }
      // A finding is keyed by rule and subject: two hits with one subject would be one finding
      // raised twice, which is the rule's mistake, not a fault of exec-intel.
      const seen = new Set<string>();
      for (const hit of parsed.data) {
        if (seen.has(hit.subject))
          throw new InputError([
            problem(
              file,
              undefined,
              `rule "${rule.id}" returned two hits with the subject "${hit.subject}"`,
              "give each hit its own subject (e.g. the transaction's id), or merge them into one",
            ),
          ]);
        seen.add(hit.subject);
      }
      return parsed.data as RuleHit[];
    },
  };
}

/**
 * The first syntax error of a module tsx could not compile. Its message starts "Transform failed
 * with N error(s):" and names each one on a line of its own, "FILE:LINE:COLUMN: ERROR: TEXT".
 */
function syntaxErrorOf(
  error: unknown,
): { line: number; column: number; message: string } | undefined {
  const text = error instanceof Error ? error.message : "";
  const match = /^.*?:(\d+):(\d+): ERROR: (.+)$/m.exec(text);
  if (match === null) return undefined;
  return { line: Number(match[1]), column: Number(match[2]) + 1, message: match[3] ?? "" };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/** The line in the rule file, when the error's stack or message names one. */
function lineOf(error: unknown): number | undefined {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : "";
  const match = /\.ts:(\d+):\d+/.exec(text);
  return match ? Number(match[1]) : undefined;
}
