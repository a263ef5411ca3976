import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import {
  openDynamoStateStores,
  stateTableDefinition,
} from "../../src/adapters/store/dynamodb/index.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { deploymentEnv } from "../helpers/deployment-env.js";
import { type DynalitePeer, startDynalite } from "../helpers/dynalite.js";
import { S3RVER_ENV, type S3rverPeer, startS3rver } from "../helpers/s3rver.js";
import { type SesEmulator, startSesEmulator } from "../helpers/ses-emulator.js";

// The deployable artifact: scripts/bundle-lambda.mjs into a temp folder, then the bundle loaded
// by plain Node in a child process, as the Lambda runtime loads it: from its own folder, with
// only the node_modules it ships plus @aws-sdk (which the runtime provides; linked here). The
// worker then runs one period end to end from the bundle, so charts (resvg, DejaVu), MJML, the
// secret scan and the audit log are shown to work without the repository's node_modules.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ARCH = process.arch === "arm64" ? "arm64" : "x64";
const run = promisify(execFile);

let work: string;
let outdir: string;

/** Runs one handler of the bundle in a fresh Node process; resolves with its JSON answer. */
function invokeBundle(
  handler: string,
  event: unknown,
  env: Record<string, string>,
  context: object = {},
): Promise<unknown> {
  const script = `
    const bundle = await import(${JSON.stringify(path.join(outdir, "index.mjs"))});
    const answer = await bundle[process.env.HANDLER](JSON.parse(process.env.EVENT), JSON.parse(process.env.CONTEXT));
    process.stdout.write("\\n@@" + JSON.stringify(answer));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: outdir,
      env: {
        PATH: process.env.PATH ?? "",
        HANDLER: handler,
        EVENT: JSON.stringify(event),
        CONTEXT: JSON.stringify(context),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => {
      const answer = stdout.split("\n@@")[1];
      if (code !== 0 || answer === undefined)
        reject(new Error(`bundle ${handler} exited ${code}: ${stderr}${stdout}`));
      else resolve(JSON.parse(answer));
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "exec-intel-bundle-"));
  outdir = path.join(work, "dist-lambda");
  await run(
    process.execPath,
    ["scripts/bundle-lambda.mjs", "--outdir", outdir, "--arch", ARCH, "--quiet"],
    { cwd: ROOT },
  );
  // What the Node.js 20 runtime provides: SDK v3 (its dependencies resolve from the real path).
  await symlink(
    path.join(ROOT, "node_modules", "@aws-sdk"),
    path.join(outdir, "node_modules", "@aws-sdk"),
  );
}, 120_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe("the Lambda bundle", () => {
  it("loads in plain Node and exports the four handlers the stack names", async () => {
    const script = `
      const m = await import(${JSON.stringify(path.join(outdir, "index.mjs"))});
      console.log(JSON.stringify(["scheduled", "worker", "sesEvents", "inbound"].map((k) => typeof m[k])));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: outdir,
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(JSON.parse(stdout)).toEqual(["function", "function", "function", "function"]);
  });

  it("imports only Node built-ins and the runtime's SDK statically, and never better-sqlite3", async () => {
    const code = await readFile(path.join(outdir, "index.mjs"), "utf8");
    const statics = [...code.matchAll(/^import\s[^;]*?\sfrom\s*"([^"]+)";?$/gm)].map((m) => m[1]);
    expect(statics.length).toBeGreaterThan(0);
    const provided = (name = "") =>
      builtinModules.includes(name.replace(/^node:/, "")) || name.startsWith("@aws-sdk/");
    expect(statics.filter((name) => !provided(name))).toEqual([]);
    // (booleans, not the 12 MB string, in a failure message)
    expect(code.includes("better-sqlite3")).toBe(false);
    expect(code.includes("// node_modules/bindings/")).toBe(false);
    // What stays outside, loaded lazily: the runtime's SDK, the native chart renderer, vega's
    // optional canvas (absent on Lambda as here: charts measure text themselves), and what the
    // Lambda path never reaches (Chromium for PDFs, tsx for workspace rules).
    const dynamic = new Set([...code.matchAll(/\bimport\("([^"./][^"]*)"\)/g)].map((m) => m[1]));
    for (const name of dynamic) {
      expect(name).toMatch(
        /^(node:|@aws-sdk\/|@resvg\/resvg-js$|canvas$|playwright-core$|tsx\/|typescript$)/,
      );
    }
    expect(dynamic).toContain("@resvg/resvg-js");
  });

  it("builds byte for byte the same twice", async () => {
    const again = path.join(work, "again");
    await run(
      process.execPath,
      ["scripts/bundle-lambda.mjs", "--outdir", again, "--arch", ARCH, "--quiet"],
      { cwd: ROOT },
    );
    const [a, b] = await Promise.all([
      readFile(path.join(outdir, "index.mjs")),
      readFile(path.join(again, "index.mjs")),
    ]);
    expect(a.equals(b)).toBe(true);
  }, 60_000);
});

describe("the bundled worker", () => {
  const TABLE = "exec-intel-bundle";
  let dynalite: DynalitePeer;
  let s3: S3rverPeer;
  let ses: SesEmulator;
  let bucket: S3Client;
  let dynamo: DynamoDBClient;
  let env: Record<string, string>;

  beforeAll(async () => {
    [dynalite, s3, ses] = await Promise.all([startDynalite(), startS3rver(), startSesEmulator()]);
    const credentials = {
      accessKeyId: S3RVER_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: S3RVER_ENV.AWS_SECRET_ACCESS_KEY,
    };
    bucket = new S3Client({
      region: "us-east-1",
      endpoint: s3.url,
      forcePathStyle: true,
      credentials,
    });
    dynamo = new DynamoDBClient({ region: "us-east-1", endpoint: dynalite.url, credentials });
    await dynamo.send(new CreateTableCommand(stateTableDefinition(TABLE)));
    // The small tenant of the reference workspace, as in scheduled-worker.test.ts.
    const document = parseDocument(await readFile(path.join(PORTFOLIO, "exec-intel.yaml"), "utf8"));
    const tenants = document.get("tenants") as { items: { get(key: string): unknown }[] };
    tenants.items = tenants.items.filter((t) => t.get("id") === "harbor-bakery");
    const files: [string, string | Buffer][] = [["exec-intel.yaml", document.toString()]];
    for (const name of [
      ".env",
      "data/harbor-bakery/checking.csv",
      "data/harbor-bakery/registry.yaml",
    ])
      files.push([name, await readFile(path.join(PORTFOLIO, name))]);
    for (const [name, body] of files) {
      await bucket.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: `workspace/${name}`, Body: body }),
      );
    }
    env = deploymentEnv({
      table: TABLE,
      bucket: s3.bucket,
      s3: s3.url,
      dynamodb: dynalite.url,
      ses: ses.url,
    });
  }, 60_000);

  afterAll(async () => {
    bucket?.destroy();
    dynamo?.destroy();
    await Promise.all([dynalite?.stop(), s3?.stop(), ses?.stop()]);
  });

  it("runs a queued period: charts drawn, archived to S3, sent through SES, claim done", async () => {
    const body = JSON.stringify({
      tenant: "harbor-bakery",
      period: "2026-10",
      slot: "2026-11-01T16:00:00.000Z",
    });
    const answer = await invokeBundle(
      "worker",
      { Records: [{ messageId: "bundle-1", body }] },
      env,
      { awsRequestId: "bundle-request-1" },
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    expect((await ses.emails()).map((e) => e.destination.to)).toEqual([
      ['"Morgan Ellis" <baker@example.com>'],
    ]);
    const listed = await bucket.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "archive/harbor-bakery/" }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key ?? "");
    expect(keys.some((k) => k.endsWith(".png"))).toBe(true);
    expect(keys.some((k) => k.endsWith("manifest.json"))).toBe(true);
    const stores = openDynamoStateStores({ client: dynamo, table: TABLE });
    expect(await stores.schedule.find("harbor-bakery", "2026-10")).toMatchObject({
      state: "done",
      owner: "lambda:bundle-request-1",
    });
  }, 120_000);

  it("answers sesEvents for an unknown message without error", async () => {
    const answer = await invokeBundle(
      "sesEvents",
      {
        "detail-type": "Email Delivered",
        source: "aws.ses",
        time: "2026-11-02T06:05:00Z",
        detail: { eventType: "Delivery", mail: { messageId: "not-ours" }, delivery: {} },
      },
      env,
    );
    expect(answer).toEqual({ status: "ignored", reason: "no delivery was sent as not-ours" });
  }, 60_000);
});
