import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseDocument } from "yaml";
import {
  type DynamoStateStores,
  openDynamoStateStores,
  stateTableDefinition,
} from "../../src/adapters/store/dynamodb/index.js";
import { createLambdaHandlers, type WorkJob } from "../../src/entry/lambda.js";
import { copyWorkspace, PORTFOLIO } from "../helpers/cli.js";
import { deploymentEnv } from "../helpers/deployment-env.js";
import { type DynalitePeer, startDynalite } from "../helpers/dynalite.js";
import { S3RVER_ENV, type S3rverPeer, startS3rver } from "../helpers/s3rver.js";
import { type SesEmulator, startSesEmulator } from "../helpers/ses-emulator.js";

// `scheduled` then `worker`, end to end on local peers: dynalite (state), s3rver (workspace/ and
// archive/), aws-ses-v2-local (SES). The workspace is the reference portfolio cut down to its
// small tenant, harbor-bakery, uploaded as the owner would (PDFs left on: the worker turns them
// off). SQS has no local peer here, so ONLY SQS is stood in for, by a tiny in-process HTTP server
// that speaks SQS's JSON protocol to the real SDK and keeps what SendMessage was given; its
// bodies are then handed to `worker` as the SQS event source would.

const TABLE = "exec-intel-e2e";
const TENANT = "harbor-bakery";

let dynalite: DynalitePeer;
let s3: S3rverPeer;
let ses: SesEmulator;
let sqs: FakeSqs;
let dynamo: DynamoDBClient;
let bucket: S3Client;
let stores: DynamoStateStores;
let handlers: ReturnType<typeof createLambdaHandlers>;
let cleanup: (() => Promise<void>) | undefined;
const logged: string[] = [];
/** The worker's clock: shortly after the slot. */
let clock = new Date("2026-11-02T06:00:20Z");

/** What the fake SQS kept: each SendMessage's queue and body. */
interface FakeSqs {
  url: string;
  sent: { queueUrl: string; body: string }[];
  stop(): Promise<void>;
}

/** SQS's JSON protocol, SendMessage only: answers with a message id and the body's MD5, as SQS does. */
async function startFakeSqs(): Promise<FakeSqs> {
  const sent: FakeSqs["sent"] = [];
  const server = http.createServer(async (req, res) => {
    const body = Buffer.concat(await req.toArray()).toString("utf8");
    if (req.headers["x-amz-target"] !== "AmazonSQS.SendMessage") {
      res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ __type: "UnsupportedOperation", message: "SendMessage only" }));
      return;
    }
    const input = JSON.parse(body) as { QueueUrl: string; MessageBody: string };
    sent.push({ queueUrl: input.QueueUrl, body: input.MessageBody });
    res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
    res.end(
      JSON.stringify({
        MessageId: randomUUID(),
        MD5OfMessageBody: createHash("md5").update(input.MessageBody).digest("hex"),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The reference workspace with only harbor-bakery, uploaded under workspace/. */
async function uploadBakeryWorkspace() {
  const copy = await copyWorkspace(PORTFOLIO);
  cleanup = copy.cleanup;
  const document = parseDocument(await readFile(path.join(copy.dir, "exec-intel.yaml"), "utf8"));
  const tenants = document.get("tenants") as { items: { get(key: string): unknown }[] };
  tenants.items = tenants.items.filter((tenant) => tenant.get("id") === TENANT);
  const files: [string, string | Buffer][] = [
    ["exec-intel.yaml", document.toString()],
    [".env", await readFile(path.join(copy.dir, ".env"))],
    [
      "data/harbor-bakery/checking.csv",
      await readFile(path.join(copy.dir, "data/harbor-bakery/checking.csv")),
    ],
    [
      "data/harbor-bakery/registry.yaml",
      await readFile(path.join(copy.dir, "data/harbor-bakery/registry.yaml")),
    ],
  ];
  for (const [name, body] of files) {
    await bucket.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: `workspace/${name}`, Body: body }),
    );
  }
}

/** The SQS event the queue's event source would hand the worker for these bodies. */
function sqsEvent(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `message-${i + 1}`,
      receiptHandle: `handle-${i + 1}`,
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "1793253600000",
        SenderId: "AROAEXAMPLE:scheduled",
        ApproximateFirstReceiveTimestamp: "1793253600000",
      },
      messageAttributes: {},
      md5OfBody: createHash("md5").update(body).digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:work",
      awsRegion: "us-east-1",
    })),
  };
}

async function archivedKeys(): Promise<string[]> {
  const page = await bucket.send(
    new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "archive/" }),
  );
  return (page.Contents ?? []).map((o) => o.Key ?? "").sort();
}

beforeAll(async () => {
  for (const [name, value] of Object.entries(S3RVER_ENV)) vi.stubEnv(name, value);
  [dynalite, s3, ses, sqs] = await Promise.all([
    startDynalite(),
    startS3rver(),
    startSesEmulator(),
    startFakeSqs(),
  ]);
  dynamo = new DynamoDBClient({ region: "us-east-1", endpoint: dynalite.url });
  bucket = new S3Client({ region: "us-east-1", endpoint: s3.url, forcePathStyle: true });
  await dynamo.send(new CreateTableCommand(stateTableDefinition(TABLE)));
  stores = openDynamoStateStores({ client: dynamo, table: TABLE });
  await uploadBakeryWorkspace();
  handlers = createLambdaHandlers({
    env: deploymentEnv({
      table: TABLE,
      bucket: s3.bucket,
      s3: s3.url,
      dynamodb: dynalite.url,
      ses: ses.url,
      sqs: sqs.url,
    }),
    now: () => clock,
    log: (line) => logged.push(line),
  });
}, 60_000);

afterAll(async () => {
  dynamo?.destroy();
  bucket?.destroy();
  await Promise.all([dynalite?.stop(), s3?.stop(), ses?.stop(), sqs?.stop()]);
  await cleanup?.();
  vi.unstubAllEnvs();
});

describe("scheduled + worker", () => {
  it("queues nothing the first time it sees a tenant whose slot came before", async () => {
    // The workspace's schedule fires at 08:00 on the 1st in Los Angeles; first seen on 20 October.
    const result = await handlers.scheduled({
      source: "exec-intel.schedule",
      scheduledTime: "2026-10-20T06:00:00Z",
    });
    expect(result).toEqual({
      enqueued: [],
      skipped: [{ tenant: TENANT, reason: "no slot due since first seen" }],
    });
    expect(sqs.sent).toEqual([]);
  });

  it("queues the due period once, then the worker archives and sends it through SES, once", async () => {
    const result = await handlers.scheduled({
      source: "exec-intel.schedule",
      scheduledTime: "2026-11-02T06:00:00Z",
    });
    const job: WorkJob = { tenant: TENANT, period: "2026-10", slot: "2026-11-01T16:00:00.000Z" }; // 08:00 PST: DST ended that night
    expect(result).toEqual({ enqueued: [job], skipped: [] });
    expect(sqs.sent).toEqual([
      { queueUrl: `${sqs.url}/123456789012/work`, body: JSON.stringify(job) },
    ]);

    const event = sqsEvent(sqs.sent.map((m) => m.body));
    expect(await handlers.worker(event, { awsRequestId: "request-1" })).toEqual({
      batchItemFailures: [],
    });

    // One message per recipient: harbor-bakery's only role has one.
    const emails = await ses.emails();
    expect(emails.map((e) => e.destination.to)).toEqual([['"Morgan Ellis" <baker@example.com>']]);
    expect(emails[0]?.from).toContain("reports@example.com");
    expect(emails[0]?.subject).toMatch(/^CEO · Oct 2026/);

    const keys = await archivedKeys();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`archive/${TENANT}/2026-11-02/`))).toBe(true);
    expect(keys.some((k) => k.endsWith("manifest.json"))).toBe(true);
    expect(keys.some((k) => k.endsWith(".pdf"))).toBe(false);

    const claim = await stores.schedule.find(TENANT, "2026-10");
    expect(claim).toMatchObject({ state: "done", owner: "lambda:request-1", attempts: 1 });
    const rows = await stores.ledger.rows({ tenant: TENANT });
    expect(rows.map((r) => [r.recipient, r.state])).toEqual([["baker@example.com", "sent"]]);
    expect(rows[0]?.providerMessageId).toBe(emails[0]?.messageId);

    // Redelivered by SQS: the claim is settled, so nothing is run or sent again.
    clock = new Date("2026-11-02T06:30:00Z");
    expect(await handlers.worker(event, { awsRequestId: "request-2" })).toEqual({
      batchItemFailures: [],
    });
    expect(await ses.emails()).toHaveLength(1);
    expect(await archivedKeys()).toEqual(keys);
    expect(logged.map((l) => JSON.parse(l)).at(-1)).toMatchObject({
      handler: "worker",
      result: "held",
      messageId: "message-1",
    });

    // And the next scheduled invocation of the month finds the period settled.
    expect(
      await handlers.scheduled({
        source: "exec-intel.schedule",
        scheduledTime: "2026-11-02T07:00:00Z",
      }),
    ).toEqual({
      enqueued: [],
      skipped: [
        { tenant: TENANT, period: "2026-10", reason: expect.stringMatching(/^done: sent 1/) },
      ],
    });
    expect(sqs.sent).toHaveLength(1);
  }, 120_000);

  it("reports malformed messages as batch item failures, each on its own", async () => {
    const event = sqsEvent([
      "not json",
      JSON.stringify({ tenant: TENANT, period: "2026-13", slot: "x" }),
    ]);
    expect(await handlers.worker(event, { awsRequestId: "request-3" })).toEqual({
      batchItemFailures: [{ itemIdentifier: "message-1" }, { itemIdentifier: "message-2" }],
    });
  });

  it("fails the job with every problem of a bad workspace config, naming the S3 file", async () => {
    const key = "workspace/exec-intel.yaml";
    const good = await bucket.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    const text = (await good.Body?.transformToString()) ?? "";
    await bucket.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: key,
        Body: text.replace("version: 1", "version: 2"),
      }),
    );
    try {
      logged.length = 0;
      const job: WorkJob = { tenant: TENANT, period: "2026-09", slot: "2026-10-01T15:00:00.000Z" };
      expect(
        await handlers.worker(sqsEvent([JSON.stringify(job)]), { awsRequestId: "request-4" }),
      ).toEqual({ batchItemFailures: [{ itemIdentifier: "message-1" }] });
      const message = JSON.parse(logged.at(-1) ?? "{}").message as string;
      expect(message).toMatch(/^job failed: bad workspace config in s3:\/\/[^/]+\/workspace\/:\n/);
      expect(message).toContain("exec-intel.yaml:");
      // Nothing was claimed for the period: a fixed config is picked up by the next job.
      expect(await stores.schedule.find(TENANT, "2026-09")).toBeUndefined();
    } finally {
      await bucket.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: text }));
    }
  });
});
