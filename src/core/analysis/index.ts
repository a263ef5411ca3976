import { domainEntityOf, reportKindOf, type TenantConfig } from "../config.js";
import type { TenantModel } from "../model/index.js";
import { accountingRules } from "../rules/accounting-rules.js";
import { billingRules } from "../rules/billing-rules.js";
import { deliveryRules } from "../rules/deliveries-rules.js";
import { financeRules } from "../rules/finance-rules.js";
import { marketingRules } from "../rules/marketing-rules.js";
import { propertyRules } from "../rules/property-rules.js";
import type { Rule } from "../rules/rule.js";
import { strategyRules } from "../rules/strategy-rules.js";
import { technologyRules } from "../rules/technology-rules.js";
import { analyseAccounting } from "./accounting.js";
import { analyseBilling } from "./billing.js";
import { analyseDeliveries } from "./deliveries.js";
import { analyseFinance } from "./finance.js";
import { type Analysis, gatherIntelligence, type Intelligence } from "./intelligence.js";
import { analyseMarketing } from "./marketing.js";
import { addMonths } from "./money.js";
import { analyseProperty } from "./property.js";
import { analyseStrategy } from "./strategy.js";
import { analyseTechnology } from "./technology.js";
import type { AnalysisContext, ReportRole } from "./types.js";

export { addMonths };

/** Every built-in analysis, in the order they run. */
export const ANALYSES: readonly Analysis[] = [
  analyseStrategy,
  analyseFinance,
  analyseAccounting,
  analyseMarketing,
  analyseTechnology,
  analyseProperty,
  analyseDeliveries,
  analyseBilling,
];

/** Every built-in finding rule. */
export const RULES: readonly Rule[] = [
  ...strategyRules,
  ...financeRules,
  ...accountingRules,
  ...marketingRules,
  ...technologyRules,
  ...propertyRules,
  ...deliveryRules,
  ...billingRules,
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
      Object.entries(tenant.roles).flatMap(([id, role]) => {
        // The config check refuses a role without a report, so none is dropped here in practice.
        const report = reportKindOf(id, role);
        if (report === undefined) return [];
        const entity = domainEntityOf(report, role, tenant.entities);
        const described: ReportRole = {
          report,
          expectedKpis: role.expectedKpis,
          ...(role.title !== undefined ? { title: role.title } : {}),
          ...(entity !== undefined ? { entity } : {}),
        };
        return [[id, described]];
      }),
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
