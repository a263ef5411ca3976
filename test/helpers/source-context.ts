import type { DriverContext } from "../../src/adapters/sources/collect.js";
import { configSchema, type SourceConfig } from "../../src/core/config.js";
import { createEntityResolver } from "../../src/core/entity-resolver.js";

/**
 * One source of type `T` as config loading makes it (through the real schema, so it gets its
 * defaults), in a one-tenant workspace with `entities`, and the driver context it is read with.
 */
export function sourceWithContext<T extends SourceConfig["type"]>(
  workspace: string,
  entities: readonly Record<string, unknown>[],
  source: Record<string, unknown> & { type: T },
): { source: Extract<SourceConfig, { type: T }>; context: DriverContext } {
  const config = configSchema.parse({
    version: 1,
    transport: { driver: "outbox", from: { name: "Reports", email: "reports@example.com" } },
    tenants: [
      {
        id: "t",
        name: "Test tenant",
        currency: "USD",
        timezone: "UTC",
        roles: {},
        entities,
        sources: [source],
      },
    ],
  });
  const tenant = config.tenants[0] as (typeof config.tenants)[number];
  return {
    source: tenant.sources[0] as Extract<SourceConfig, { type: T }>,
    context: {
      workspace,
      tenant,
      periodEnd: "2026-10-31",
      entities: createEntityResolver(tenant.entities.map((e) => ({ ...e }))),
    },
  };
}
