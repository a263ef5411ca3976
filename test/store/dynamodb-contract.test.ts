import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openDynamoStateStores,
  stateTableDefinition,
  TTL_ATTRIBUTE,
} from "../../src/adapters/store/dynamodb/index.js";
import { type DynalitePeer, startDynalite } from "../helpers/dynalite.js";
import { at, iso } from "./contract/fixture.js";
import { describeStoreContract } from "./contract/index.js";

/**
 * The state stores' contract against the DynamoDB driver on dynalite, a fresh table per test;
 * then what only this driver has to show: its logs survive a writer dying between its two
 * writes, and its sessions carry the TTL attribute.
 */

let dynalite: DynalitePeer;
let tables = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

/** A client of the emulator (which takes any credentials). */
function emulatorClient(): DynamoDBClient {
  return new DynamoDBClient({
    region: "us-east-1",
    endpoint: dynalite.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}

/** A fresh table and a client to it; `drop` deletes the table and closes the clients. */
async function freshTable() {
  const name = `exec-intel-state-${++tables}`;
  const clients = [emulatorClient()];
  const [admin] = clients as [DynamoDBClient];
  await admin.send(new CreateTableCommand(stateTableDefinition(name)));
  return {
    name,
    admin,
    /** Stores on their own client, as another Lambda would open them. */
    open() {
      const client = emulatorClient();
      clients.push(client);
      return openDynamoStateStores({ client, table: name });
    },
    async drop() {
      await admin.send(new DeleteTableCommand({ TableName: name }));
      for (const client of clients) client.destroy();
    },
  };
}

describeStoreContract("DynamoDB", async () => {
  const table = await freshTable();
  return { stores: table.open(), another: async () => table.open(), close: table.drop };
});

describe("DynamoDB driver", () => {
  const KEY = { tenant: "acme", period: "2026-10", report: "ceo", recipient: "ann@acme.example" };

  /** The sort keys of one partition that start with `prefix`. */
  async function sortKeys(
    table: Awaited<ReturnType<typeof freshTable>>,
    pk: string,
    prefix: string,
  ) {
    const answer = await table.admin.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": { S: pk }, ":prefix": { S: prefix } },
      }),
    );
    return (answer.Items ?? []).map((item) => item.sk?.S);
  }

  it("logs every ledger transition as its own event item, in order", async () => {
    const table = await freshTable();
    try {
      const { ledger } = table.open();
      await ledger.plan([KEY], "run-1", at(0));
      await ledger.claim(KEY, "run-1", "<m1>", at(1));
      await ledger.markSent(KEY, "p1", at(2));
      const events = await ledger.events({ tenant: "acme" });
      expect(events.map((e) => [e.seq, e.fromState, e.toState, e.attempt, e.reason])).toEqual([
        [1, undefined, "pending", 0, "planned"],
        [2, "pending", "sending", 1, "claimed as <m1>"],
        [3, "sending", "sent", 1, "sent as p1"],
      ]);
      expect(await sortKeys(table, "TENANT#acme", "DEVENT#")).toHaveLength(3);
    } finally {
      await table.drop();
    }
  });

  it("loses no ledger event when a writer dies between the row and its event", async () => {
    const table = await freshTable();
    try {
      const { ledger } = table.open();
      await ledger.plan([KEY], "run-1", at(0));
      await ledger.claim(KEY, "run-1", "<m1>", at(1));
      // The crash: the row says `sending`, the claim's event item never arrived.
      const lost = "DEVENT#2026-10#ceo#ann@acme.example#000000000002";
      await table.admin.send(
        new DeleteItemCommand({
          TableName: table.name,
          Key: { pk: { S: "TENANT#acme" }, sk: { S: lost } },
        }),
      );
      expect((await ledger.events(KEY)).map((e) => e.toState)).toEqual(["pending", "sending"]);
      await ledger.markSent(KEY, "p1", at(2));
      expect(await sortKeys(table, "TENANT#acme", "DEVENT#")).toContain(lost);
      expect((await ledger.events(KEY)).map((e) => e.seq)).toEqual([1, 2, 3]);
    } finally {
      await table.drop();
    }
  });

  it("loses no task event when a writer dies between the tasks and their events", async () => {
    const table = await freshTable();
    try {
      const { followUp } = table.open();
      const content = {
        fingerprint: "f-a",
        title: "Cash is low",
        action: "Call the bank",
        owner: "ceo",
        severity: "high" as const,
        due: "2026-11-15",
        report: "acme/2026-10/ceo",
        section: "cash",
        lastPeriod: "2026-10",
      };
      await followUp.sync("acme", () => [{ kind: "create", content }], "run:r1", iso(1));
      await table.admin.send(
        new DeleteItemCommand({
          TableName: table.name,
          Key: { pk: { S: "TENANT#acme" }, sk: { S: "TEVENT#000000000001" } },
        }),
      );
      expect((await followUp.events("acme")).map((e) => e.action)).toEqual(["created"]);
      await followUp.setStatus("acme", "T-1", "doing", "ann@acme.example", iso(2));
      expect(await sortKeys(table, "TENANT#acme", "TEVENT#")).toEqual([
        "TEVENT#000000000001",
        "TEVENT#000000000002",
      ]);
    } finally {
      await table.drop();
    }
  });

  it("stamps tokens and sessions with the TTL attribute in epoch seconds", async () => {
    const table = await freshTable();
    try {
      const { sessions } = table.open();
      await sessions.issue("token-1", "ann@acme.example", iso(0), iso(600));
      await sessions.startSession("session-1", "ann@acme.example", iso(0), iso(3600));
      for (const [pk, sk, expires] of [
        ["TOKEN#token-1", "TOKEN", iso(600)],
        ["SESSION#session-1", "SESSION", iso(3600)],
      ] as const) {
        const { Item } = await table.admin.send(
          new GetItemCommand({ TableName: table.name, Key: { pk: { S: pk }, sk: { S: sk } } }),
        );
        expect(Item?.[TTL_ATTRIBUTE]?.N).toBe(String(Date.parse(expires) / 1000));
      }
    } finally {
      await table.drop();
    }
  });
});
