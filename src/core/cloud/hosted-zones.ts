import { z } from "zod";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const hostedZonesSchema = z.object({
  HostedZones: z.array(
    z.object({
      Name: z.string().min(1),
      Config: z.object({ PrivateZone: z.boolean().optional() }).optional(),
    }),
  ),
});

/**
 * Public hosted zone names without the trailing dot (`example.com.` → `example.com`). Private
 * zones are left out: they name VPC-internal domains, not the business's canonical ones.
 */
export function parseHostedZones(document: JsonDocument): Parsed<string[]> {
  const { value, problems } = readShape(document, hostedZonesSchema, SNAPSHOT.hostedZones.command);
  const names = (value?.HostedZones ?? [])
    .filter((zone) => zone.Config?.PrivateZone !== true)
    .map((zone) => zone.Name.replace(/\.$/, "").toLowerCase());
  return { value: [...new Set(names)], problems };
}
