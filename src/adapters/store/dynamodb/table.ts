import {
  type AttributeValue,
  type CreateTableCommandInput,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/client-dynamodb";

// The state of a deployment lives in ONE DynamoDB table: partition key `pk` (S), sort key `sk`
// (S), TTL attribute `expiresAt` (epoch seconds), on-demand billing. Key parts taken from data
// are escaped (`%` → %25, `#` → %23) so `#` only ever separates parts.
//
//   pk                    sk                                           what
//   TENANT#<t>            DELIVERY#<period>#<report>#<recipient>       one ledger row (+ seq, lastEvent)
//   TENANT#<t>            DEVENT#<period>#<report>#<recipient>#<seq>   ledger event, append-only
//   MESSAGE#<provider id> MESSAGE                                      provider message id → row key
//   RUNS                  RUN#<startedAt>#<runId>                      one run (list = Query, newest first)
//   RUN-IDS               ID#<runId>                                   run id → startedAt (find, prefixes)
//   TENANT#<t>            TASKS                                        every task + version + eventSeq
//   TENANT#<t>            TEVENT#<seq>                                 task event, append-only
//   TENANT#<t>            SNAPSHOT#<period>                            the period's snapshot
//   TENANT#<t>            NOTE#<id>                                    one annotation
//   COUNTERS              ANNOTATION                                   last annotation id
//   TOKEN#<hash>          TOKEN                                        sign-in token (TTL expiresAt)
//   SESSION#<hash>        SESSION                                      session (TTL expiresAt)
//   TENANT#<t>            SINCE                                        the scheduler's first sight of t
//   TENANT#<t>            SCHEDULED#<period>                           a scheduled run's claim
//
// Every hot path is a GetItem, a Query of one partition or a conditional write. There are no
// transactions (dynalite has none, and one item per decision is simpler to reason about): an item
// that must change together with a log carries its newest events inside it, the events are then
// put with `attribute_not_exists`, and the next writer re-puts what the last one may have lost
// in a crash (a no-op when it is there). Numbers are zero-padded in sort keys so they sort.

/** The attribute DynamoDB's TTL deletes items by (epoch seconds); reads check expiry themselves. */
export const TTL_ATTRIBUTE = "expiresAt";

/** One table of the state, and the client that reaches it. */
export interface DynamoTable {
  client: DynamoDBClient;
  name: string;
}

/** A stored item, in DynamoDB's own attribute values. */
export type Item = Record<string, AttributeValue>;

/** What an item attribute can hold here; `undefined` leaves the attribute out. */
export type Value = string | number | boolean | null | undefined;

/** Builds a client from a region and an endpoint (an emulator); credentials come from the SDK's chain. */
export function createDynamoClient(
  options: { region?: string; endpoint?: string } = {},
): DynamoDBClient {
  return new DynamoDBClient({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
  });
}

/** The table's definition, as the CDK stack declares it (tests and local setups create it so). */
export function stateTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  };
}

/** Escapes a data value for use as one part of a key. */
export function keyPart(value: string): string {
  return value.replaceAll("%", "%25").replaceAll("#", "%23");
}

/** The partition of everything one tenant owns. */
export function tenantPk(tenant: string): string {
  return `TENANT#${keyPart(tenant)}`;
}

/** A number as a fixed-width sort key part. */
export function padded(value: number): string {
  return String(value).padStart(12, "0");
}

/** An ISO time as epoch seconds, for the TTL attribute. */
export function epochSeconds(iso: string): number {
  return Math.ceil(Date.parse(iso) / 1000);
}

/** Values as an item; undefined ones are left out. */
export function toItem(values: Record<string, Value>): Item {
  const item: Item = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) item[name] = toAttribute(value);
  }
  return item;
}

/** One value as an attribute value. */
export function toAttribute(value: Exclude<Value, undefined>): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  return { BOOL: value };
}

/** A string attribute that must be there. */
export function readString(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`stored item ${describeItem(item)} lacks ${name}`);
  return value;
}

/** A string attribute that may be absent (or NULL). */
export function readOptionalString(item: Item, name: string): string | undefined {
  return item[name]?.S;
}

/** A number attribute that must be there. */
export function readNumber(item: Item, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new Error(`stored item ${describeItem(item)} lacks ${name}`);
  return Number(value);
}

/** A boolean attribute; absent reads as false. */
export function readBoolean(item: Item, name: string): boolean {
  return item[name]?.BOOL === true;
}

/** A JSON document kept in a string attribute. */
export function readJson<T>(item: Item, name: string): T {
  return JSON.parse(readString(item, name)) as T;
}

function describeItem(item: Item): string {
  return `${item.pk?.S ?? "?"} / ${item.sk?.S ?? "?"}`;
}

/**
 * Collects `#name` placeholders and `:value` placeholders for one request's expressions, so
 * reserved words (`state`, `owner`, `status`…) never clash.
 */
export class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Item = {};
  #count = 0;

  /** The placeholder of an attribute name. */
  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  /** The placeholder of a value. */
  value(value: Exclude<Value, undefined>): string {
    const placeholder = `:v${this.#count++}`;
    this.values[placeholder] = toAttribute(value);
    return placeholder;
  }

  /** `SET a = :x, b = :y` for the given fields (null values are stored as NULL). */
  set(fields: Record<string, Exclude<Value, undefined>>): string {
    const parts = Object.entries(fields).map(([n, v]) => `${this.name(n)} = ${this.value(v)}`);
    return `SET ${parts.join(", ")}`;
  }

  /** The request fields to spread into a command input (empty maps are not allowed). */
  parts(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Item;
  } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

/** True for the error a failed ConditionExpression raises. */
export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "ConditionalCheckFailedException";
}

/** Reads one item, strongly consistent: decisions are made on what was last written. */
export async function getItem(
  table: DynamoTable,
  pk: string,
  sk: string,
): Promise<Item | undefined> {
  const answer = await table.client.send(
    new GetItemCommand({
      TableName: table.name,
      Key: { pk: { S: pk }, sk: { S: sk } },
      ConsistentRead: true,
    }),
  );
  return answer.Item;
}

/** Puts an item under a condition; false when the condition failed. */
export async function putIf(
  table: DynamoTable,
  item: Item,
  condition: string,
  expression?: Expression,
): Promise<boolean> {
  const input: PutItemCommandInput = {
    TableName: table.name,
    Item: item,
    ConditionExpression: condition,
    ...expression?.parts(),
  };
  try {
    await table.client.send(new PutItemCommand(input));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Puts an item whatever is there (pointers whose target is checked on use). */
export async function putItem(table: DynamoTable, item: Item): Promise<void> {
  await table.client.send(new PutItemCommand({ TableName: table.name, Item: item }));
}

/** Puts an item that must not exist yet (log entries): false when it already does. */
export function putNew(table: DynamoTable, item: Item): Promise<boolean> {
  return putIf(table, item, "attribute_not_exists(pk)");
}

/** Every item of one partition whose sort key starts with `prefix`, in sort-key order. */
export async function queryPrefix(
  table: DynamoTable,
  pk: string,
  prefix: string,
  options: { newestFirst?: boolean; limit?: number; projection?: string[] } = {},
): Promise<Item[]> {
  const expression = new Expression();
  const input: QueryCommandInput = {
    TableName: table.name,
    KeyConditionExpression: `${expression.name("pk")} = ${expression.value(pk)} AND begins_with(${expression.name("sk")}, ${expression.value(prefix)})`,
    ConsistentRead: true,
    ScanIndexForward: options.newestFirst !== true,
    ...(options.limit !== undefined ? { Limit: options.limit } : {}),
  };
  if (options.projection !== undefined) {
    input.ProjectionExpression = options.projection.map((n) => expression.name(n)).join(", ");
  }
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({ ...input, ...expression.parts(), ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined && (options.limit === undefined || items.length < options.limit));
  return options.limit === undefined ? items : items.slice(0, options.limit);
}

/**
 * Every item of the table whose sort key starts with `prefix`, across partitions. Only for the
 * rare reads that span tenants (a crash recovery, an unfiltered audit): a deployment's table is
 * small, and nothing on a hot path scans.
 */
export async function scanPrefix(table: DynamoTable, prefix: string): Promise<Item[]> {
  const expression = new Expression();
  const input: ScanCommandInput = {
    TableName: table.name,
    FilterExpression: `begins_with(${expression.name("sk")}, ${expression.value(prefix)})`,
    ConsistentRead: true,
    ...expression.parts(),
  };
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await table.client.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** How often a read-decide-write loop retries after losing a race before it gives up. */
export const MAX_RACES = 20;

/** The error a read-decide-write loop throws after losing MAX_RACES races in a row. */
export function contendedError(what: string): Error {
  return new Error(
    `${what} changed underneath ${MAX_RACES} attempts in a row; nothing was written, try again`,
  );
}
