import { REGISTRY_BASIS } from "../analysis/cloud-savings.js";
import { entityName, listWords, monthName, plural } from "../analysis/common.js";
import {
  findingsOf,
  type Intelligence,
  requireFigure,
  requireTable,
} from "../analysis/intelligence.js";
import {
  cloudProvider,
  DELIVERY_SIGNALS,
  isTechnologyNote,
  matchStacks,
  monthLabel,
} from "../analysis/technology.js";
import type { Finding, Severity } from "../analysis/types.js";
import { chartOf } from "./charts.js";
import {
  figures,
  findingList,
  formatFigure,
  formatValue,
  paragraph,
  reportDocument,
  section,
  table,
} from "./compose.js";
import type { Block, ReportDocument, Section } from "./document.js";

const ROLE = "cto";
const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** "2 critical, 2 high, 2 medium" for a list of findings. */
function bySeverity(list: readonly Finding[]): string {
  return SEVERITIES.flatMap((s) => {
    const n = list.filter((f) => f.severity === s).length;
    return n > 0 ? [`${n} ${s}`] : [];
  }).join(", ");
}

/** A finding's title without the leading "Entity: " its rule puts there. */
function withoutEntity(intelligence: Intelligence, finding: Finding): string {
  const prefix =
    finding.entity !== undefined
      ? `${entityName(intelligence.context.model, finding.entity)}: `
      : "";
  return prefix !== "" && finding.title.startsWith(prefix)
    ? finding.title.slice(prefix.length)
    : finding.title;
}

/** Entity names of findings, in first-seen order. */
function entitiesOf(intelligence: Intelligence, list: readonly Finding[]): string[] {
  const model = intelligence.context.model;
  return [
    ...new Set(list.flatMap((f) => (f.entity !== undefined ? [entityName(model, f.entity)] : []))),
  ];
}

/** A finding count with its severity mix: "6 security gaps (2 critical, 2 high and 2 medium)". */
function countWithMix(list: readonly Finding[], noun: string): string {
  return list.length === 0 ? `no ${noun}s` : `${plural(list.length, noun)} (${bySeverity(list)})`;
}

/** "3 changes found in the AWS accounts and 2 listed in the registry", from the savings table. */
function savingsOrigins(intelligence: Intelligence): string {
  const basis = requireTable(intelligence, "cloud-savings").rows.map((r) => r[4]);
  const listed = basis.filter((b) => b === REGISTRY_BASIS).length;
  const found = basis.length - listed;
  return listWords(
    [
      found > 0 ? `${plural(found, "change")} found in the AWS accounts` : "",
      listed > 0 ? `${found > 0 ? listed : plural(listed, "change")} listed in the registry` : "",
    ].filter(Boolean),
  );
}

function whole(value: number): string {
  return formatValue(Math.round(value), "USD");
}

function summary(intelligence: Intelligence): Section {
  const { model, period } = intelligence.context;
  const security = findingsOf(intelligence, "security-gap", ROLE);
  const ux = findingsOf(intelligence, "ux-gap", ROLE);
  const delivery = findingsOf(intelligence, "delivery-gap", ROLE);
  const billing = findingsOf(intelligence, "billing-gap", ROLE);
  const low = requireFigure(intelligence, "aws-monthly-cost-low");
  const high = requireFigure(intelligence, "aws-monthly-cost-high");
  const current = requireFigure(intelligence, "aws-monthly-cost-current");
  const savings = requireFigure(intelligence, "aws-monthly-savings");
  const actions = requireTable(intelligence, "engineering-actions");
  const provider = cloudProvider(model);
  const techEntities = new Set(model.systems.map((s) => s.entity));

  const sentences: string[] = [];
  sentences.push(
    `The registry lists ${plural(model.systems.length, "component")} across ${plural(techEntities.size, "entity", "entities")}.`,
  );
  if (security.length === 0) {
    sentences.push("No security gaps are recorded in the handoff notes.");
  } else {
    const worst = security[0] as Finding;
    sentences.push(
      `${capitalise(countWithMix(security, "security gap"))} ${security.length === 1 ? "is" : "are"} open in ${listWords(entitiesOf(intelligence, security))}.`,
      `Most severe (${[worst.severity, worst.entity !== undefined ? entityName(model, worst.entity) : ""].filter(Boolean).join(", ")}): ${withoutEntity(intelligence, worst)}.`,
    );
  }
  sentences.push(
    spendMonths(intelligence) === 0
      ? "The ledger shows no cloud spend."
      : `${provider} spend ran from ${formatValue(low.value, "USD")} to ${formatValue(high.value, "USD")} a month over the last ${plural(spendMonths(intelligence), "month")} (${formatValue(current.value, "USD")} in ${monthLabel(period)}).`,
  );
  if (savings.value > 0)
    sentences.push(
      `${capitalise(savingsOrigins(intelligence))} would save ${formatFigure(savings)}${current.value > 0 ? `, ${Math.round((savings.value / current.value) * 100)}% of the ${monthLabel(period)} bill` : ""}.`,
    );
  sentences.push(
    `Also open: ${listWords([
      countWithMix(ux, "UX gap"),
      countWithMix(delivery, "delivery-cycle gap"),
      countWithMix(billing, "billing-system gap"),
    ])}.`,
  );
  const first = actions.rows[0];
  if (first !== undefined)
    sentences.push(`First engineering action (${first[2]}): ${String(first[1])}`);
  return section(
    intelligence,
    "summary",
    "Summary",
    ["registry", "handoffs", "ledger"],
    [paragraph(sentences.join(" "))],
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Months of ledger the cloud spend figures cover. */
function spendMonths(intelligence: Intelligence): number {
  return requireTable(intelligence, "cloud-spend-by-month").rows.length;
}

function stackAudit(intelligence: Intelligence): Section {
  const { model } = intelligence.context;
  const audit = requireTable(intelligence, "stack-audit");
  const matches = matchStacks(model);
  const notes = model.handoffs.filter(isTechnologyNote);
  const entities = new Set(model.systems.map((s) => s.entity));
  const unmatched = matches.filter((m) => m.system === undefined);
  const undocumented = model.systems.filter((s) => !matches.some((m) => m.system === s));
  const lines: string[] = [
    `The registry lists ${plural(model.systems.length, "component")} for ${plural(entities.size, "entity", "entities")}. ${plural(notes.length, "handoff note")} name ${plural(matches.length, "stack item")}.`,
  ];
  lines.push(
    unmatched.length === 0
      ? "Every stack item in the handoffs matches a registry component."
      : `${plural(unmatched.length, "stack item")} named in a handoff ${unmatched.length === 1 ? "is" : "are"} not in the registry: ${listWords(unmatched.map((m) => `${m.item} (${m.note.provenance.file})`))}. Add ${unmatched.length === 1 ? "it" : "them"} to the registry or correct the note.`,
  );
  if (undocumented.length > 0)
    lines.push(
      `${plural(undocumented.length, "component")} ${undocumented.length === 1 ? "is" : "are"} in no handoff stack: ${listWords(undocumented.map((s) => `${s.name} (${entityName(model, s.entity)})`))}. The next handoff should cover ${undocumented.length === 1 ? "it" : "them"}.`,
    );
  const blocks: Block[] = [paragraph(lines.join(" ")), table(audit)];
  if (model.repositories.length > 0) {
    const outdated = model.repositories.flatMap((r) =>
      r.stack
        .filter((item) => item.endOfLife !== undefined)
        .map((item) => `${[item.technology, item.version].filter(Boolean).join(" ")} in ${r.name}`),
    );
    blocks.push(
      paragraph(
        `${plural(model.repositories.length, "git repository", "git repositories")} scanned: ${outdated.length === 0 ? "no declared version is past its end of life." : `${plural(outdated.length, "declared version")} ${outdated.length === 1 ? "is" : "are"} past end of life: ${listWords(outdated)}.`}`,
      ),
      table(requireTable(intelligence, "repositories")),
    );
  }
  return section(
    intelligence,
    "stack-audit",
    "Stack audit",
    ["registry", "handoffs", "git"],
    blocks,
  );
}

/** Source types whose evidence is observed in the systems themselves, not written by a person. */
const COLLECTED = new Set(["git", "aws"]);

function securityGaps(intelligence: Intelligence): Section {
  const list = findingsOf(intelligence, "security-gap", ROLE);
  const typeOf = new Map(intelligence.context.model.freshness.map((f) => [f.sourceId, f.type]));
  const typesOf = (finding: Finding) =>
    new Set(finding.evidence.map((e) => typeOf.get(e.source.sourceId) ?? ""));
  const observed = list.filter((f) => [...typesOf(f)].some((t) => COLLECTED.has(t)));
  const both = observed.filter((f) => typesOf(f).has("handoffs"));
  const noteOnly = list.filter((f) => !observed.includes(f));
  const blocks: Block[] = [];
  if (list.length > 0)
    blocks.push(
      paragraph(
        [
          `${capitalise(countWithMix(list, "security gap"))}.`,
          observed.length === 0
            ? "None was observed in the git repositories or AWS accounts; all come from the handoff notes."
            : `${observed.length} ${observed.length === 1 ? "was" : "were"} observed in the git repositories and AWS accounts (${both.length === observed.length ? (observed.length === 1 ? "also" : "all also") : `${both.length} of them also`} described in a handoff note)${noteOnly.length > 0 ? `; ${noteOnly.length} ${noteOnly.length === 1 ? "is" : "are"} recorded only in the handoff notes` : ""}.`,
          "Credentials are shown by kind, commit, path and a masked fingerprint, never their value. Each next action is the note's own next step where it has one.",
        ].join(" "),
      ),
    );
  blocks.push(
    findingList(list, "No repository, AWS account or handoff note shows a security gap."),
  );
  return section(
    intelligence,
    "security-gaps",
    "Security gaps",
    ["handoffs", "git", "aws"],
    blocks,
  );
}

function cloudCosts(intelligence: Intelligence): Section {
  const { period } = intelligence.context;
  const low = requireFigure(intelligence, "aws-monthly-cost-low");
  const high = requireFigure(intelligence, "aws-monthly-cost-high");
  const estimateLow = requireFigure(intelligence, "aws-monthly-estimate-low");
  const estimateHigh = requireFigure(intelligence, "aws-monthly-estimate-high");
  const savings = requireFigure(intelligence, "aws-monthly-savings");
  const provider = cloudProvider(intelligence.context.model);
  const byEntity = requireTable(intelligence, "cloud-costs-by-entity");
  const off = byEntity.rows.filter((r) => !String(r[5]).startsWith("every month"));
  const lines = [
    spendMonths(intelligence) === 0
      ? `The ledger has no months to ${monthLabel(period)} to read cloud spend from.`
      : `Over the last ${plural(spendMonths(intelligence), "month")} to ${monthLabel(period)}, ${provider} spend in the ledger ran from ${formatFigure(low)} to ${formatFigure(high)}.`,
    `The registry estimates ${formatFigure(estimateLow)} to ${formatFigure(estimateHigh)}.`,
    off.length === 0
      ? "Every entity's monthly spend sits within its estimate."
      : `Outside the estimate: ${listWords(off.map((r) => `${r[0]} (${r[5]})`))}.`,
    savings.value > 0
      ? `${capitalise(savingsOrigins(intelligence))} would save ${formatFigure(savings)} (${whole(savings.value * 12)} a year).`
      : "Neither the AWS data nor the registry shows a saving.",
  ];
  const blocks: Block[] = [
    paragraph(lines.join(" ")),
    figures(intelligence, [
      "aws-monthly-cost-low",
      "aws-monthly-cost-high",
      "aws-monthly-cost-current",
      "aws-monthly-estimate-low",
      "aws-monthly-estimate-high",
      "aws-monthly-savings",
    ]),
  ];
  // A trend per entity and in total: lines read better than 12 groups of bars.
  blocks.push(
    ...chartOf(intelligence, "cloud-spend-by-month", { id: "cloud-spend-by-month", kind: "line" }),
  );
  if (byEntity.rows.length > 0) blocks.push(table(byEntity));
  const costs = requireTable(intelligence, "cloud-costs");
  if (costs.rows.length > 0) blocks.push(table(costs));
  const savingsTable = requireTable(intelligence, "cloud-savings");
  if (savingsTable.rows.length > 0) blocks.push(table(savingsTable));
  const byService = requireTable(intelligence, "cloud-cost-by-service");
  if (byService.rows.length > 0) {
    const reconciled = requireTable(intelligence, "cloud-cost-vs-ledger");
    const compared = reconciled.rows.filter((r) => typeof r[3] === "number");
    const off = compared.filter((r) => Math.abs(r[3] as number) >= 0.01);
    const accounts = intelligence.context.model.cloudAccounts.length;
    blocks.push(
      paragraph(
        `Cost Explorer data from ${plural(accounts, "AWS account")} breaks the spend down by service. ${
          compared.length === 0
            ? "The ledger has no cloud charges in the same months to compare it with."
            : off.length === 0
              ? `Its monthly totals equal the ledger's cloud charges in all ${plural(compared.length, "month")} both cover.`
              : `Its monthly totals differ from the ledger's cloud charges in ${off.length} of ${plural(compared.length, "month")}: ${listWords(off.map((r) => `${r[0]} (Cost Explorer $${(r[1] as number).toFixed(2)}, ledger $${(r[2] as number).toFixed(2)})`))}.`
        }`,
      ),
      table(byService),
    );
    if (off.length > 0) blocks.push(table({ ...reconciled, rows: off }));
  }
  return section(intelligence, "cloud-costs", "Cloud costs", ["ledger", "registry", "aws"], blocks);
}

function uxGaps(intelligence: Intelligence): Section {
  const list = findingsOf(intelligence, "ux-gap", ROLE);
  const blocks: Block[] = [];
  if (list.length > 0)
    blocks.push(
      paragraph(
        `${capitalise(countWithMix(list, "UX gap"))} in ${listWords(entitiesOf(intelligence, list))}, from the Known issues and Risks tagged ux.`,
      ),
    );
  blocks.push(findingList(list, "No handoff note records a UX gap."));
  return section(intelligence, "ux-gaps", "UX gaps", ["handoffs"], blocks);
}

function deliveryCycle(intelligence: Intelligence): Section {
  const list = findingsOf(intelligence, "delivery-gap", ROLE);
  const signals = requireTable(intelligence, "delivery-cycle");
  const blocks: Block[] = [];
  if (signals.rows.length > 0) {
    const counts = DELIVERY_SIGNALS.map((signal, i) => {
      const n = signals.rows.filter((r) => String(r[i + 1]) !== "not reported").length;
      return `${signal.noun} in ${n}`;
    });
    blocks.push(
      paragraph(
        `${capitalise(countWithMix(list, "delivery-cycle gap"))} across ${plural(signals.rows.length, "entity", "entities")}. Entities with a gap reported, per signal: ${listWords(counts)}. A gap is a known issue or risk tagged delivery, or an untagged one that names CI/CD, staging, deploys or rollback${intelligence.context.model.repositories.length > 0 ? `; what the ${plural(intelligence.context.model.repositories.length, "git repository", "git repositories")} lack (no CI configuration, tests, staging, deploy scripts or rollback notes) joins the item of the same entity that describes it, or stands as its own gap` : ""}.`,
      ),
      table(signals),
    );
  }
  blocks.push(findingList(list, "No repository or handoff note shows a delivery-cycle gap."));
  return section(intelligence, "delivery-cycle", "Delivery cycle", ["handoffs", "git"], blocks);
}

function engineeringActions(intelligence: Intelligence): Section {
  const actions = requireTable(intelligence, "engineering-actions");
  const candidates = requireFigure(intelligence, "engineering-action-candidates");
  const shown = requireFigure(intelligence, "engineering-action-count");
  const blocks: Block[] =
    actions.rows.length === 0
      ? [paragraph("No technology handoff note has next steps to rank.")]
      : [
          paragraph(
            `The top ${shown.value} of ${plural(candidates.value, "next step")} in the technology handoff notes. Order: severity, then fixes a security gap, then the severity of the gap it fixes, then effort.`,
          ),
          table(actions),
        ];
  return section(intelligence, "engineering-actions", "Engineering actions", ["handoffs"], blocks);
}

function billingGaps(intelligence: Intelligence): Section {
  const list = findingsOf(intelligence, "billing-gap", ROLE);
  return section(
    intelligence,
    "billing-gaps",
    "Billing system gaps",
    ["registry", "handoffs"],
    [findingList(list, "Every revenue stream has a billing model and a billing system.")],
  );
}

function funnelMobile(intelligence: Intelligence): Section {
  const notes = requireTable(intelligence, "funnel-mobile-notes");
  const blocks: Block[] =
    notes.rows.length === 0
      ? [paragraph("The technology handoffs say nothing about funnels or mobile.")]
      : [
          paragraph(
            `${plural(notes.rows.length, "handoff item")} in ${plural(new Set(notes.rows.map((r) => r[0])).size, "entity", "entities")} mention a funnel, mobile devices or drop-off.`,
          ),
          table(notes),
        ];
  return section(
    intelligence,
    "funnel-mobile-ux",
    "Funnel and mobile UX notes",
    ["handoffs"],
    blocks,
  );
}

/** The CTO report: stack, security, cloud costs, UX and delivery gaps, and what to do first. */
export function assembleCtoReport(intelligence: Intelligence, role = "cto"): ReportDocument {
  const { period, model } = intelligence.context;
  const security = findingsOf(intelligence, "security-gap", ROLE);
  const low = requireFigure(intelligence, "aws-monthly-cost-low");
  const high = requireFigure(intelligence, "aws-monthly-cost-high");
  const savings = requireFigure(intelligence, "aws-monthly-savings");
  const provider = cloudProvider(model);
  const title = `CTO report — ${model.tenant.name}, ${monthName(period)}`;
  const subject = [
    ROLE.toUpperCase(),
    monthLabel(period),
    plural(security.length, "security gap"),
    `${provider} ${whole(low.value)}–${whole(high.value)}/month, ${whole(savings.value)}/month to save`,
  ].join(" · ");
  return reportDocument(intelligence, role, title, subject, [
    summary(intelligence),
    stackAudit(intelligence),
    securityGaps(intelligence),
    cloudCosts(intelligence),
    uxGaps(intelligence),
    deliveryCycle(intelligence),
    engineeringActions(intelligence),
    billingGaps(intelligence),
    funnelMobile(intelligence),
  ]);
}
