import { z } from "zod";
import type { Problem } from "../errors.js";
import type { CloudTable } from "../model/index.js";
import { type EntityOf, tableKey, withEntity } from "./entity-assignment.js";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape, warningAtPath } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const tableNamesSchema = z.object({ TableNames: z.array(z.string().min(1)) });

const describeTableSchema = z.object({
  Table: z.object({
    TableName: z.string().min(1),
    ItemCount: z.number().int().nonnegative().optional(),
    BillingModeSummary: z
      .object({ BillingMode: z.enum(["PROVISIONED", "PAY_PER_REQUEST"]).optional() })
      .optional(),
    ProvisionedThroughput: z
      .object({
        ReadCapacityUnits: z.number().int().nonnegative().optional(),
        WriteCapacityUnits: z.number().int().nonnegative().optional(),
      })
      .optional(),
  }),
});

/**
 * Tables from `aws dynamodb list-tables` (which exist) and one `describe-table` output each (how
 * they are billed). No BillingModeSummary means PROVISIONED, as in the API: tables created
 * provisioned and never switched carry none.
 */
export function parseTables(
  names: JsonDocument | undefined,
  described: ReadonlyMap<string, JsonDocument>,
  entityOf: EntityOf,
): Parsed<CloudTable[]> {
  const problems: Problem[] = [];
  const tables: CloudTable[] = [];
  for (const document of described.values()) {
    const { value, problems: shape } = readShape(
      document,
      describeTableSchema,
      SNAPSHOT.tables.command,
    );
    problems.push(...shape);
    if (value !== undefined) tables.push(toTable(value.Table, entityOf));
  }
  if (names !== undefined) {
    const { value, problems: shape } = readShape(
      names,
      tableNamesSchema,
      SNAPSHOT.tableNames.command,
    );
    problems.push(...shape);
    const describedNames = new Set(tables.map((t) => t.name));
    const missing = (value?.TableNames ?? []).filter((name) => !describedNames.has(name));
    if (missing.length > 0)
      problems.push(
        warningAtPath(
          names,
          ["TableNames"],
          `${SNAPSHOT.tables.folder}/ has no file for ${missing.length === 1 ? "table" : "tables"} ${missing.join(", ")}: left out`,
          `for each table run \`${SNAPSHOT.tables.command} > ${SNAPSHOT.tables.folder}/TABLE.json\``,
        ),
      );
  }
  tables.sort((a, b) => a.name.localeCompare(b.name));
  return { value: tables, problems };
}

type DescribedTable = z.output<typeof describeTableSchema>["Table"];

function toTable(table: DescribedTable, entityOf: EntityOf): CloudTable {
  const billingMode = table.BillingModeSummary?.BillingMode ?? "PROVISIONED";
  const throughput = table.ProvisionedThroughput;
  return {
    name: table.TableName,
    ...withEntity(entityOf(tableKey(table.TableName))),
    billingMode,
    // On-demand tables report zero units, which would read as "provisioned at zero".
    ...(billingMode === "PROVISIONED" && throughput?.ReadCapacityUnits !== undefined
      ? { readCapacity: throughput.ReadCapacityUnits }
      : {}),
    ...(billingMode === "PROVISIONED" && throughput?.WriteCapacityUnits !== undefined
      ? { writeCapacity: throughput.WriteCapacityUnits }
      : {}),
    ...(table.ItemCount !== undefined ? { itemCount: table.ItemCount } : {}),
  };
}
