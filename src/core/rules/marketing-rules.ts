import { entityName, listWords } from "../analysis/common.js";
import {
  asNoun,
  channelFix,
  localSeoGaps,
  localSeoItems,
  otaSequence,
  type Prerequisite,
  prerequisitesOf,
  shortName,
  statusWords,
} from "../analysis/marketing.js";

import type { Evidence } from "../analysis/types.js";
import type { Channel } from "../model/index.js";
import { evidenceOf, type Rule, type RuleHit } from "./rule.js";
import { itemEvidence, worstSeverity } from "./strategy-rules.js";

function channelEvidence(channel: Channel, prerequisites: readonly Prerequisite[]): Evidence {
  const priority = channel.priority !== undefined ? `, priority ${channel.priority}` : "";
  const needs =
    prerequisites.length > 0
      ? `; needs ${prerequisites.map((p) => `${p.name} (${p.status})`).join(", ")}`
      : "";
  return evidenceOf(`${channel.name}: ${statusWords(channel.status)}${priority}${needs}.`, channel);
}

/** A bookable entity (it has revenue streams) with OTA channels but no OTA listing. */
const zeroOtaListings: Rule = {
  id: "zero-ota-listings",
  category: "critical-shortfall",
  roles: ["cmo", "ceo"],
  severity: "high",
  effort: 1,
  impact: 3,
  evaluate(ctx) {
    const { model } = ctx;
    const sequences = otaSequence(model);
    return model.entities.flatMap((entity): RuleHit[] => {
      const ota = model.channels.filter((c) => c.entity === entity.id && c.kind === "ota");
      const bookable = model.revenueStreams.some((s) => s.entity === entity.id);
      if (!bookable || ota.length === 0 || ota.some((c) => c.status === "listed")) return [];
      const steps = sequences.get(entity.id) ?? [];
      const ready = steps.filter((s) => s.blocking.length === 0).map((s) => s.channel.name);
      const gated = steps.filter((s) => s.blocking.length > 0);
      const blockers = listWords(gated.flatMap((s) => s.blocking.map((p) => asNoun(p.name))));
      const first =
        ready.length > 0
          ? `List ${entity.name} on ${listWords(ready)} this month`
          : `Obtain the ${blockers} so ${entity.name} can be listed`;
      const then =
        ready.length > 0 && gated.length > 0
          ? `; ${listWords(gated.map((s) => s.channel.name))} follow${gated.length === 1 ? "s" : ""} once the ${blockers} is in hand`
          : "";
      return [
        {
          subject: entity.id,
          entity: entity.id,
          title: `${entity.name} has zero OTA listings (${ota.length} OTA${ota.length === 1 ? "" : "s"} not listed)`,
          evidence: ota.map((c) => channelEvidence(c, prerequisitesOf(model, c))),
          action: `${first}${then}.`,
        },
      ];
    });
  },
};

/** A prerequisite document that is not valid and holds back one or more OTA listings. */
const otaPrerequisiteMissing: Rule = {
  id: "ota-prerequisite-missing",
  category: "ota-gated",
  roles: ["cmo", "ceo"],
  severity: "medium",
  effort: 2,
  impact: 2,
  evaluate(ctx) {
    const { model } = ctx;
    const byDocument = new Map<string, { prerequisite: Prerequisite; channels: Channel[] }>();
    for (const steps of otaSequence(model).values())
      for (const step of steps)
        for (const p of step.blocking) {
          const entry = byDocument.get(p.id) ?? { prerequisite: p, channels: [] };
          entry.channels.push(step.channel);
          byDocument.set(p.id, entry);
        }
    return [...byDocument.values()].map(({ prerequisite, channels }): RuleHit => {
      const names = listWords(channels.map((c) => c.name));
      const spends = model.plannedSpends.filter((s) => s.dependsOn.includes(prerequisite.id));
      const entity = prerequisite.document?.entity ?? channels[0]?.entity;
      return {
        subject: prerequisite.id,
        ...(entity !== undefined ? { entity } : {}),
        title: `${names} gated: ${shortName(prerequisite.name)} is ${prerequisite.status}`,
        evidence: [
          ...(prerequisite.document !== undefined
            ? [evidenceOf(`${prerequisite.name}: ${prerequisite.status}.`, prerequisite.document)]
            : []),
          ...channels.map((c) => channelEvidence(c, prerequisitesOf(model, c))),
          ...spends.map((s) => evidenceOf(`Planned spend waiting on it: ${s.description}.`, s)),
        ],
        action: `Obtain the ${asNoun(prerequisite.name)}${entity !== undefined ? ` for ${entityName(model, entity)}` : ""}, then list on ${names}.`,
      };
    });
  },
};

/** An entity missing from local search: its Google Business Profile or directory channel is not listed. */
const localSeoGap: Rule = {
  id: "local-seo-gap",
  category: "local-seo",
  roles: ["cmo"],
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(ctx) {
    const { model } = ctx;
    return [...localSeoGaps(model).entries()].map(([entity, channels]): RuleHit => {
      const items = localSeoItems(model, entity);
      const issues = items.filter(
        ({ item }) => item.section === "issue" || item.section === "risk",
      );
      const step = items.find(({ item }) => item.section === "next-step");
      return {
        subject: entity,
        entity,
        title: `${entityName(model, entity)} is missing from local search: ${listWords(channels.map((c) => `${c.name} ${statusWords(c.status)}`))}`,
        severity: worstSeverity(issues, "medium"),
        // A gap the handoffs also describe is a known, felt problem; a bare registry gap matters less.
        impact: items.length > 0 ? 2 : 1,
        evidence: [
          ...channels.map((c) => channelEvidence(c, [])),
          ...items.filter(({ item }) => item.section !== "next-step").map(itemEvidence),
        ],
        action:
          step !== undefined
            ? step.item.text
            : `${listWords(channels.map((c) => channelFix(model, c)))}.`,
      };
    });
  },
};

/** Marketing finding rules: OTA listings, their gating documents and local-search gaps. */
export const marketingRules: readonly Rule[] = [
  zeroOtaListings,
  otaPrerequisiteMissing,
  localSeoGap,
];
