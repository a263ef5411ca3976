import { findDuplicates, REGEX_HINT, regexError } from "../../core/config.js";
import type { EntityResolver } from "../../core/entity-resolver.js";
import { type Problem, problem, sortProblems } from "../../core/errors.js";
import { REGISTRY_COLLECTIONS, type TenantModel } from "../../core/model/index.js";
import {
  type LocatedYaml,
  lineOf,
  parseLocatedYaml,
  problemAt,
  toPlainValue,
} from "../../core/yaml-document.js";
import { zodIssueToProblem } from "../../core/zod-problems.js";
import { type RegistryFile, registrySchema } from "./registry-schema.js";

/** The registry's share of the tenant model. */
export type RegistryRecords = Pick<TenantModel, (typeof REGISTRY_COLLECTIONS)[number]> & {
  asOf: string;
};

const cents = (dollars: number) => Math.round(dollars * 100);

/** Parses the registry YAML into model records, resolving entity references (pure). */
export function parseRegistryYaml(
  text: string,
  options: { sourceId: string; file: string },
  entities: EntityResolver,
): { records?: RegistryRecords; problems: Problem[] } {
  const { file } = options;
  if (text.trim() === "")
    return {
      problems: [problem(file, 1, "registry file is empty", "add at least `asOf: YYYY-MM-DD`")],
    };
  const { yaml, problems: syntax } = parseLocatedYaml(text, file);
  if (syntax.length > 0) return { problems: syntax };
  const plain = toPlainValue(yaml);
  if (plain.problems.length > 0) return { problems: plain.problems };
  const parsed = registrySchema.safeParse(plain.value, { reportInput: true });
  if (!parsed.success)
    return {
      problems: sortProblems(parsed.error.issues.map((issue) => zodIssueToProblem(issue, yaml))),
    };
  const data = parsed.data;
  const problems = checkRegistry(data, yaml, entities);
  if (problems.length > 0) return { problems: sortProblems(problems) };

  const entity = (ref: string) => entities.resolve(ref) as string;
  const at = (section: string, index: number) => ({
    sourceId: options.sourceId,
    file,
    asOf: data.asOf,
    ...(lineOf(yaml, [section, index]) !== undefined
      ? { line: lineOf(yaml, [section, index]) as number }
      : {}),
  });
  const records: RegistryRecords = {
    asOf: data.asOf,
    assets: data.assets.map((a, i) => ({
      ...a,
      entity: entity(a.entity),
      provenance: at("assets", i),
    })),
    revenueStreams: data.revenueStreams.map((s, i) => ({
      id: s.id,
      entity: entity(s.entity),
      name: s.name,
      pricing: {
        model: s.pricing.model,
        ...(s.pricing.price !== undefined ? { priceCents: cents(s.pricing.price) } : {}),
        ...(s.pricing.unit !== undefined ? { unit: s.pricing.unit } : {}),
        ...(s.pricing.variableCost !== undefined
          ? { variableCostCents: cents(s.pricing.variableCost) }
          : {}),
      },
      billing: s.billing,
      provenance: at("revenueStreams", i),
    })),
    people: data.people.map((p, i) => ({
      ...p,
      entities: p.entities.map(entity),
      provenance: at("people", i),
    })),
    systems: data.systems.map((s, i) => {
      const { monthlyCost, savings, ...rest } = s;
      return {
        ...rest,
        entity: entity(s.entity),
        ...(monthlyCost !== undefined
          ? { monthlyCostCents: { low: cents(monthlyCost.low), high: cents(monthlyCost.high) } }
          : {}),
        savings: savings.map((x) => ({ monthlyCents: cents(x.monthly), action: x.action })),
        provenance: at("systems", i),
      };
    }),
    channels: data.channels.map((c, i) => ({
      ...c,
      entity: entity(c.entity),
      provenance: at("channels", i),
    })),
    documents: data.documents.map((d, i) => ({
      ...d,
      entity: entity(d.entity),
      provenance: at("documents", i),
    })),
    policies: data.policies.map((p, i) => {
      const { limit, ...rest } = p;
      return {
        ...rest,
        ...(limit !== undefined ? { limitCents: cents(limit) } : {}),
        provenance: at("policies", i),
      };
    }),
    plannedSpends: data.plannedSpends.map((s, i) => {
      const { amount, ...rest } = s;
      return {
        ...rest,
        entity: entity(s.entity),
        amountCents: cents(amount),
        provenance: at("plannedSpends", i),
      };
    }),
    campaigns: data.campaigns.map((c, i) => {
      const { valuePerConversion, ...rest } = c;
      return {
        ...rest,
        entity: entity(c.entity),
        valuePerConversionCents: cents(valuePerConversion),
        provenance: at("campaigns", i),
      };
    }),
  };
  return { records, problems: [] };
}

/** Cross-record checks: unique ids per section, known entities, resolvable references. */
function checkRegistry(data: RegistryFile, yaml: LocatedYaml, entities: EntityResolver): Problem[] {
  const problems: Problem[] = [];
  const report = (path: PropertyKey[], message: string, hint: string): void => {
    problems.push(problemAt(yaml, path, message, hint));
  };
  for (const section of REGISTRY_COLLECTIONS) {
    const list = data[section] as { id: string; entity?: string; entities?: string[] }[];
    for (const i of findDuplicates(list.map((r) => r.id))) {
      report(
        [section, i, "id"],
        `duplicate id "${list[i]?.id}" in ${section}`,
        `give every entry of ${section} its own id`,
      );
    }
    list.forEach((record, i) => {
      if (record.entity !== undefined && entities.resolve(record.entity) === undefined) {
        report(
          [section, i, "entity"],
          `unknown entity "${record.entity}"`,
          `use one of: ${entities.known()}`,
        );
      }
      record.entities?.forEach((ref, k) => {
        if (entities.resolve(ref) === undefined)
          report(
            [section, i, "entities", k],
            `unknown entity "${ref}"`,
            `use one of: ${entities.known()}`,
          );
      });
    });
  }
  const documentIds = new Set(data.documents.map((d) => d.id));
  data.channels.forEach((channel, i) => {
    channel.prerequisites.forEach((id, k) => {
      if (!documentIds.has(id)) {
        report(
          ["channels", i, "prerequisites", k],
          `prerequisite "${id}" is not a document id`,
          "add it under documents: (status missing if you do not have it yet)",
        );
      }
    });
  });
  const assetIds = new Set(data.assets.map((a) => a.id));
  data.campaigns.forEach((campaign, i) => {
    if (campaign.audience !== undefined && !assetIds.has(campaign.audience)) {
      report(
        ["campaigns", i, "audience"],
        `audience "${campaign.audience}" is not an asset id`,
        "point it at an asset of kind email-list",
      );
    }
  });
  data.policies.forEach((policy, i) => {
    const invalid = policy.match === undefined ? undefined : regexError(policy.match);
    if (invalid !== undefined) report(["policies", i, "match"], invalid, REGEX_HINT);
  });
  return problems;
}
