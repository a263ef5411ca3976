import { z } from "zod";
import type { CloudDistribution } from "../model/index.js";
import { distributionKey, type EntityOf, withEntity } from "./entity-assignment.js";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const distributionsSchema = z.object({
  DistributionList: z.object({
    // Left out by the API when the account has no distribution.
    Items: z
      .array(
        z.object({
          Id: z.string().min(1),
          DomainName: z.string().min(1),
          Aliases: z.object({ Items: z.array(z.string()).optional() }).optional(),
          WebACLId: z.string().optional(),
          Enabled: z.boolean(),
          Origins: z
            .object({ Items: z.array(z.object({ DomainName: z.string() })).optional() })
            .optional(),
        }),
      )
      .optional(),
  }),
});

/** Distributions from `aws cloudfront list-distributions`; an empty `WebACLId` means no WAF. */
export function parseDistributions(
  document: JsonDocument,
  entityOf: EntityOf,
): Parsed<CloudDistribution[]> {
  const { value, problems } = readShape(
    document,
    distributionsSchema,
    SNAPSHOT.distributions.command,
  );
  const distributions = (value?.DistributionList.Items ?? []).map(
    (item): CloudDistribution => ({
      id: item.Id,
      ...withEntity(entityOf(distributionKey(item.Id))),
      domainName: item.DomainName,
      aliases: item.Aliases?.Items ?? [],
      webAclId: item.WebACLId !== undefined && item.WebACLId !== "" ? item.WebACLId : null,
      enabled: item.Enabled,
      origins: (item.Origins?.Items ?? []).map((origin) => origin.DomainName),
    }),
  );
  return { value: distributions, problems };
}
