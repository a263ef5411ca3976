import type { TenantConfig } from "../config.js";
import type { TenantModel } from "../model/index.js";
import { accountingRules } from "../rules/accounting-rules.js";
import { financeRules } from "../rules/finance-rules.js";
import { marketingRules } from "../rules/marketing-rules.js";
import type { Rule } from "../rules/rule.js";
import { strategyRules } from "../rules/strategy-rules.js";
import { technologyRules } from "../rules/technology-rules.js";
import { analyseAccounting } from "./accounting.js";
import { analyseFinance } from "./finance.js";
import { type Analysis, gatherIntelligence, type Intelligence } from "./intelligence.js";
import { analyseMarketing } from "./marketing.js";
import { addMonths } from "./money.js";
import { analyseStrategy } from "./strategy.js";
import { analyseTechnology } from "./technology.js";
import type { AnalysisContext } from "./types.js";

export { addMonths };

/** Every built-in analysis, in the order they run. */
export const ANALYSES: readonly Analysis[] = [
  analyseStrategy,
  analyseFinance,
  analyseAccounting,
  analyseMarketing,
  analyseTechnology,
];

/** Every built-in finding rule. */
export const RULES: readonly Rule[] = [
  ...strategyRules,
  ...financeRules,
  ...accountingRules,
  ...marketingRules,
  ...technologyRules,
];

/** The analysis context of a tenant for a period, with settings defaulted from config. */
export function buildAnalysisContext(
  model: TenantModel,
  tenant: TenantConfig,
  period: string,
): AnalysisContext {
  const { analysis } = tenant;
  const horizon = analysis.planningHorizon ?? addMonths(period, 6);
  return {
    model,
    period,
    settings: {
      trailingMonths: analysis.trailingMonths,
      planningHorizon: horizon,
      ...(analysis.breakEvenStream !== undefined
        ? { breakEvenStream: analysis.breakEvenStream }
        : {}),
      variableCostAccounts: analysis.variableCostAccounts,
      cloudCostAccount: analysis.cloudCostAccount,
      thresholds: analysis.thresholds,
    },
    roles: Object.fromEntries(
      Object.entries(tenant.roles).map(([id, role]) => [
        id,
        {
          expectedKpis: role.expectedKpis,
          ...(role.title !== undefined ? { title: role.title } : {}),
        },
      ]),
    ),
  };
}

/** Runs every analysis and rule for one tenant. */
export function analyseTenant(
  model: TenantModel,
  tenant: TenantConfig,
  period: string,
  extraRules: readonly Rule[] = [],
): Intelligence {
  return gatherIntelligence(buildAnalysisContext(model, tenant, period), ANALYSES, [
    ...RULES,
    ...extraRules,
  ]);
}
