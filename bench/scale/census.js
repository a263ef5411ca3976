// The request census behind bench/scale.js's cost projection: one synthetic tenant run the way the
// Lambda functions run it, with the DynamoDB stores on dynalite (in-process, on loopback), every
// DynamoDB request counted with the capacity units dynalite reports for it, and the archive and
// outbox the run wrote measured on disk (each archived object is one S3 PUT on AWS, each outbox
// message one SES send). Run by bench/scale.js in a child process, so its memory and its server
// stay out of the main measurement; prints one JSON object on stdout.
//
//   node bench/scale/census.js [tenant index]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateTableCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { PERIOD, SCHEDULE_CRON, SLOT, TIME_ZONE, writeTenantWorkspace } from "./tenant.js";
import { walk } from "./walk.js";

const dist = (file) => new URL(`../../dist/${file}`, import.meta.url).href;
const { openDynamoStateStores, stateTableDefinition } = await import(
  dist("adapters/store/dynamodb/index.js")
);
const { runScheduledPeriod } = await import(dist("schedule.js"));
const { parseScheduleExpression } = await import(dist("core/schedule/cron.js"));
const { loadWorkspaceConfig } = await import(dist("adapters/workspace/config-file.js"));

const require = createRequire(import.meta.url);
// dynalite is CommonJS; its own size rule prices the writes DynamoDB refuses on a condition
// (refused conditional writes are still charged) the same way it prices the ones it accepts.
const dynalite = require("dynalite");
const { capacityUnits, itemSize } = require("dynalite/db/index.js");

const TABLE = "exec-intel-scale";
const index = Number(process.argv[2] ?? 0);
const CAPACITY = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "GetItemCommand",
  "QueryCommand",
  "ScanCommand",
]);
const WRITES = new Set(["PutItemCommand", "UpdateItemCommand", "DeleteItemCommand"]);

/** Requests and capacity units per phase: scheduled (enqueue), worker (the run), sesEvents. */
const counted = {};
let phase = "setup";
function record(command, input, units, refused) {
  counted[phase] ??= {
    requests: {},
    writeUnits: 0,
    readUnits: 0,
    scanReadUnits: 0,
    refusedWrites: 0,
    writes: {},
  };
  const p = counted[phase];
  p.requests[command] = (p.requests[command] ?? 0) + 1;
  if (refused) p.refusedWrites += 1;
  if (command === "ScanCommand") {
    p.scanReadUnits += units;
    return;
  }
  if (!WRITES.has(command)) {
    p.readUnits += units;
    return;
  }
  p.writeUnits += units;
  // Which kind of item (see src/adapters/store/dynamodb/table.ts): the key's leading words.
  const key = input.Item ?? input.Key ?? {};
  const kind = `${kindOf(key.pk?.S)} ${kindOf(key.sk?.S)}${refused ? " (refused)" : ""}`;
  p.writes[kind] = (p.writes[kind] ?? 0) + units;
}
const kindOf = (part) => (part ?? "?").split("#")[0];

const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const client = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${server.address().port}`,
  region: "us-east-1",
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
});
client.middlewareStack.add(
  (next, context) => async (args) => {
    const command = context.commandName;
    if (CAPACITY.has(command)) args.input.ReturnConsumedCapacity = "TOTAL";
    try {
      const result = await next(args);
      record(command, args.input, result.output?.ConsumedCapacity?.CapacityUnits ?? 0, false);
      return result;
    } catch (error) {
      if (error?.name === "ConditionalCheckFailedException")
        record(command, args.input, capacityUnits(args.input.Item), true);
      throw error;
    }
  },
  { step: "initialize", name: "benchCensus" },
);
await client.send(new CreateTableCommand(stateTableDefinition(TABLE)));
const stores = openDynamoStateStores({ client, table: TABLE });

const root = mkdtempSync(path.join(tmpdir(), "exec-intel-scale-census-"));
try {
  const dir = path.join(root, "workspace");
  const { id: tenant, bytes: inputBytes } = writeTenantWorkspace(dir, index);
  const workspaceFiles = walk(dir).length;

  // What `scheduled` does per tenant before it queues the job (see src/entry/lambda.ts).
  phase = "scheduled";
  await stores.schedule.since(tenant, SLOT.toISOString());
  await stores.schedule.find(tenant, PERIOD);

  // The worker applies the deployment to its copy of the config: two loads (src/entry/lambda.ts).
  const configStart = performance.now();
  await loadWorkspaceConfig(dir, {});
  await loadWorkspaceConfig(dir, {});
  const configLoadsMs = performance.now() - configStart;

  phase = "worker";
  const outcome = await runScheduledPeriod({
    workspace: dir,
    env: {},
    now: () => new Date(),
    toolVersion: "bench",
    schedule: {
      tenant,
      source: SCHEDULE_CRON,
      expression: parseScheduleExpression(SCHEDULE_CRON),
      timeZone: TIME_ZONE,
    },
    due: { tenant, slot: SLOT, period: PERIOD },
    owner: "lambda:bench-census",
    scheduleStore: stores.schedule,
    stores: {
      ledger: stores.ledger,
      history: stores.history,
      followUp: stores.followUp,
      annotations: stores.annotations,
    },
    log: () => {},
  });
  if (outcome.result !== "done")
    throw new Error(`census run: ${outcome.result}: ${outcome.detail}`);

  // SES then publishes "Email Sent" (sesEvents ignores it) and "Email Delivered" (recorded) per
  // message; each is one sesEvents invocation.
  phase = "lookup";
  const rows = await stores.ledger.rows({ tenant });
  phase = "sesEvents";
  for (const row of rows) {
    await stores.ledger.recordMailEvent({
      providerMessageId: row.providerMessageId,
      kind: "delivered",
      detail: "250 2.0.0 OK",
      at: new Date().toISOString(),
    });
  }

  // What one tenant's month leaves in the table: a Scan reads (and is charged for) all of it.
  phase = "inventory";
  const items = [];
  let start;
  do {
    const page = await client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  const table = {
    items: items.length,
    bytes: items.reduce((n, item) => n + itemSize(item), 0),
  };

  const state = path.join(dir, ".exec-intel");
  const archived = walk(path.join(state, "archive"));
  const messages = walk(path.join(state, "outbox")).filter((f) => f.endsWith(".eml"));
  const sizeOf = (files) => files.reduce((n, f) => n + statSync(f).size, 0);
  const pngs = archived.filter((f) => f.endsWith(".png"));
  process.stdout.write(
    `${JSON.stringify({
      tenant,
      inputBytes,
      workspaceFiles,
      configLoadsMs,
      outcome: outcome.detail,
      dynamodb: counted,
      table,
      deliveries: rows.length,
      archive: {
        objects: archived.length,
        bytes: sizeOf(archived),
        manifests: archived.filter((f) => path.basename(f).startsWith("manifest")).length,
        chartPngs: pngs.length,
      },
      messages: {
        count: messages.length,
        bytes: sizeOf(messages),
        largest: Math.max(...messages.map((f) => statSync(f).size)),
      },
    })}\n`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
  server.close();
}
