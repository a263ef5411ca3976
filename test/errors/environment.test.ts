import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { constants, existsSync } from "node:fs";
import { chmod, open, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { openSqliteLedger } from "../../src/adapters/store/sqlite-store.js";
import type { DeliveryRow } from "../../src/core/deliver/ports.js";
import { makeTempDir, runCli } from "../helpers/cli.js";
import { filesUnder } from "../helpers/files.js";
import { type S3rverPeer, s3rverClient, startS3rver } from "../helpers/s3rver.js";
import { freePort } from "../helpers/ses-emulator.js";

// What the product promises when the environment fails (README "Command line", exit codes): one
// clear message saying what happened and what to do, the right exit code (1 for the run or the
// environment, 2 for bad input, 130 for Ctrl-C), no stack trace without --debug, and no lost or
// half-written state, so that running the same command again finishes the job and sends every
// message exactly once. Every run here is the built CLI (bin/exec-intel.js → dist/) as a child
// process, as a person would start it: only then are its real stderr, exit code and signal
// handling what is checked (run `npm run build` after changing src/). Workspaces start from
// `exec-intel init` (sample data for 2026-10) and are edited per case; the local peers (SMTP
// servers, s3rver, a stand-in for SES) listen on 127.0.0.1 and are stopped after each test.

const CLI = fileURLToPath(new URL("../../bin/exec-intel.js", import.meta.url));
const PERIOD = "2026-10";
/** The tenant `init` creates ("My Business"). */
const TENANT = "my-business";
const STACK_LINE = /^\s+at /m;
const HINT_LINE = /^\s+hint: \S/m;
const TEST_TIMEOUT = 180_000;

/** Which addresses get which report: `init --recipient` takes them, the checks expect them. */
type Recipients = Record<string, string[]>;

let scratch = "";
let cleanupScratch: () => Promise<void> = async () => {};
let counter = 0;

beforeAll(async () => {
  ({ dir: scratch, cleanup: cleanupScratch } = await makeTempDir());
});

afterAll(async () => {
  await cleanupScratch();
});

// ---------------------------------------------------------------------------------------------
// Child processes

/** How a child process ended and what it printed. */
interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A child process still running (or just ended), with its output so far. */
interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exited>;
  done: () => boolean;
}

// Every child a test starts, so afterEach can end the ones a failed assertion left behind.
const children = new Set<ChildProcess>();

afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = once(child, "exit");
      child.kill("SIGKILL");
      await gone;
    }
  }
  children.clear();
});

/**
 * A small, known environment: nothing from the machine running the tests (AWS keys, profiles,
 * NODE_OPTIONS from the test runner) reaches the CLI unless a case puts it there.
 */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = path.join(scratch, "home");
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", ...extra };
}

/** Starts `command` (a file and its arguments) with piped output; `children` keeps it for cleanup. */
function start(
  command: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Running {
  const [file, ...args] = command;
  if (file === undefined) throw new Error("no command");
  const child = spawn(file, args, {
    env: options.env ?? childEnv(),
    cwd: options.cwd ?? scratch,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  let ended = false;
  // Decoded by the streams, so a character split across two chunks ("…") stays whole.
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  // "close", not "exit": by then both pipes are drained, so the output is complete.
  const exited = new Promise<Exited>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      ended = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited, done: () => ended };
}

/** Runs a command to its end, killing it if it takes longer than `timeoutMs`. */
async function finish(running: Running, timeoutMs = 120_000): Promise<Exited> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    running.child.kill("SIGKILL");
  }, timeoutMs);
  try {
    const exited = await running.exited;
    if (timedOut) {
      throw new Error(`killed after ${timeoutMs} ms; stderr so far:\n${exited.stderr}`);
    }
    return exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The built CLI's command line. */
function cli(...args: string[]): string[] {
  return [process.execPath, CLI, ...args];
}

/** `exec-intel ARGS` as a child process, to its end. */
function exec(args: string[], env?: Record<string, string>): Promise<Exited> {
  return finish(start(cli(...args), env !== undefined ? { env } : {}));
}

/** `exec-intel run` on the workspace for the sample data's month. */
function runWorkspace(dir: string, env?: Record<string, string>): Promise<Exited> {
  return exec(["run", "-w", dir, "--period", PERIOD], env);
}

/** Polls `probe` until it returns a value; fails if the deadline passes or `running` ends first. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  running?: Running,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (running?.done() === true) {
      throw new Error(`the CLI ended before ${what}; stderr:\n${running.stderr()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`no ${what} within ${timeoutMs} ms; stderr:\n${running?.stderr() ?? ""}`);
    }
    await delay(25);
  }
}

// ---------------------------------------------------------------------------------------------
// Workspaces

/** A new starter workspace from `exec-intel init` (in-process, runCli's clock: data for 2026-10). */
async function starterWorkspace(recipients: Recipients): Promise<string> {
  counter += 1;
  const dir = path.join(scratch, `ws-${counter}`);
  const init = await runCli([
    "init",
    dir,
    "--no-input",
    "--role",
    Object.keys(recipients).join(","),
    ...Object.entries(recipients).flatMap(([role, emails]) => [
      "--recipient",
      `${role}=${emails.join(",")}`,
    ]),
  ]);
  expect(init.code, init.stderr).toBe(0);
  // PDFs need Chromium and seconds per report; none of these failures is about them.
  await editConfig(dir, { render: { pdf: "off" } });
  return dir;
}

/** Sets top-level keys of the workspace's exec-intel.yaml (transport, archive, render). */
async function editConfig(dir: string, keys: Record<string, unknown>): Promise<void> {
  const file = path.join(dir, "exec-intel.yaml");
  const doc = parseDocument(await readFile(file, "utf8"));
  for (const [key, value] of Object.entries(keys)) doc.set(key, doc.createNode(value));
  await writeFile(file, String(doc));
}

const FROM = { name: "Reports", email: "reports@example.com" };

/** Waits until the running CLI has written its first message into the outbox. */
function untilFirstMessage(dir: string, running: Running): Promise<true> {
  return until(
    "a first .eml in the outbox",
    async () =>
      (await filesUnder(outboxDir(dir))).some((f) => f.endsWith(".eml")) ? true : undefined,
    running,
  );
}

const stateDir = (dir: string) => path.join(dir, ".exec-intel");
const outboxDir = (dir: string) => path.join(stateDir(dir), "outbox");
const archiveDir = (dir: string) => path.join(stateDir(dir), "archive");

/** The outbox file every (report, recipient) gets: `{tenant}/{period}/{role}/{slug}.eml`. */
function plannedOutbox(recipients: Recipients): string[] {
  return Object.entries(recipients)
    .flatMap(([role, emails]) =>
      emails.map((email) => `${TENANT}/${PERIOD}/${role}/${email.replace("@", "_at_")}.eml`),
    )
    .sort();
}

/** Every (report, recipient) as `role → address`. */
function plannedKeys(recipients: Recipients): string[] {
  return Object.entries(recipients)
    .flatMap(([role, emails]) => emails.map((email) => `${role} → ${email}`))
    .sort();
}

/** The delivery ledger's rows for the sample month (none when there is no state database). */
function ledgerRows(dir: string): DeliveryRow[] {
  const file = path.join(stateDir(dir), "state.sqlite");
  if (!existsSync(file)) return [];
  const ledger = openSqliteLedger(file);
  try {
    return ledger.rows({ tenant: TENANT, period: PERIOD });
  } finally {
    ledger.close();
  }
}

/** The runs `exec-intel history --json` lists, newest first. */
async function history(dir: string): Promise<{ status: string; sent: number; failed: number }[]> {
  const listed = await exec(["history", "-w", dir, "--json"]);
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as { status: string; sent: number; failed: number }[];
}

/**
 * Exit code, the message (every part of it) and its hint, no stack trace, no "internal error".
 * Soft: a wrong message does not hide what the rest of the test finds about the state.
 */
function expectExplained(
  run: Exited,
  code: number,
  message: RegExp | RegExp[],
  hint: RegExp,
): void {
  expect.soft(run.code, run.stderr).toBe(code);
  expect.soft(run.stderr).not.toMatch(STACK_LINE);
  expect
    .soft(run.stderr, "a failure of the environment is not a bug")
    .not.toContain("internal error");
  // One message: "error: …", "file: error: …" or "internal error …", said once.
  const errorLines = run.stderr
    .split("\n")
    .filter((line) => /^(internal )?error\b|: error: /.test(line));
  expect.soft(errorLines, "one error message").toHaveLength(1);
  for (const part of [message].flat()) expect.soft(run.stderr).toMatch(part);
  expect.soft(run.stderr, "the message says what to do").toMatch(HINT_LINE);
  expect.soft(run.stderr).toMatch(hint);
}

/**
 * Nothing half-written under the state folder: no temporary file of the outbox
 * (`.outbox-*.tmp`) or of the archive (`.tmp-*`) is left, and every .eml in the outbox is a
 * message the ledger recorded as sent under that very path.
 */
async function expectNothingHalfWritten(dir: string): Promise<void> {
  const temps = (await filesUnder(stateDir(dir))).filter((file) =>
    /(^|\/)\.tmp-[^/]*$|\.tmp$/.test(file),
  );
  expect(temps).toEqual([]);
  const sent = new Map(
    ledgerRows(dir)
      .filter((row) => row.state === "sent")
      .map((row) => [row.providerMessageId, row]),
  );
  for (const eml of (await filesUnder(outboxDir(dir))).filter((f) => f.endsWith(".eml"))) {
    expect(sent.has(eml), `${eml} is in the outbox but the ledger has not recorded it`).toBe(true);
  }
}

/**
 * The archive holds whole objects only: when a manifest was written, every object in the folder
 * is listed by one with its SHA-256 and size. A run that failed before writing its manifest
 * leaves none at all (then its objects, written under a temporary name and linked when whole,
 * have nothing to be checked against but the absence of temporary files).
 */
async function expectWholeArchive(dir: string): Promise<void> {
  const root = archiveDir(dir);
  const files = await filesUnder(root);
  const manifests = files.filter((f) => /(^|\/)manifest(\.[^/]+)?\.json$/.test(f));
  if (manifests.length === 0) return;
  const listed = new Map<string, { sha256: string; bytes: number }>();
  for (const manifest of manifests) {
    const parsed = JSON.parse(await readFile(path.join(root, manifest), "utf8")) as {
      objects: { key: string; sha256: string; bytes: number }[];
    };
    for (const object of parsed.objects) listed.set(object.key, object);
  }
  for (const file of files.filter((f) => !manifests.includes(f))) {
    const object = listed.get(file);
    expect(object, `${file} is archived but no manifest lists it`).toBeDefined();
    const body = await readFile(path.join(root, file));
    expect(body.length, file).toBe(object?.bytes);
    expect(createHash("sha256").update(body).digest("hex"), file).toBe(object?.sha256);
  }
}

/** After the run that finishes the job: one .eml per (report, recipient), none twice, all sent. */
async function expectEveryMessageOnce(dir: string, recipients: Recipients): Promise<void> {
  const emls = (await filesUnder(outboxDir(dir))).filter((f) => f.endsWith(".eml"));
  expect(emls).toEqual(plannedOutbox(recipients));
  const rows = ledgerRows(dir);
  expect(rows.map((r) => `${r.report} → ${r.recipient}`).sort()).toEqual(plannedKeys(recipients));
  expect(rows.filter((r) => r.state !== "sent")).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Local peers

/** One message an SMTP server took: the envelope recipient and the report named by its Message-ID. */
interface Received {
  key: string;
  messageId: string;
}

interface SmtpPeer {
  port: number;
  received: Received[];
  logins: () => number;
  stop: () => Promise<void>;
}

/**
 * smtp-server on 127.0.0.1 without STARTTLS (so the client, told `requireTLS: false`, talks in
 * the clear and needs no certificate). `refuseLogin`: every AUTH gets 535, as a provider answers
 * a wrong or revoked password; otherwise signing in is optional and every message is taken.
 */
async function startSmtp(options: { refuseLogin?: boolean } = {}): Promise<SmtpPeer> {
  const received: Received[] = [];
  let logins = 0;
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: options.refuseLogin !== true,
    authMethods: ["PLAIN", "LOGIN"],
    disableReverseLookup: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      logins += 1;
      callback(
        Object.assign(new Error("Authentication credentials invalid"), { responseCode: 535 }),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("latin1");
        const headers = raw.slice(0, raw.indexOf("\r\n\r\n"));
        const messageId = /^Message-ID:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? "";
        // <2026-10.my-business.ceo.{hash}@example.com>: the report is the third part.
        const role = messageId.replace(/^</, "").split(".")[2] ?? "?";
        for (const to of session.envelope.rcptTo) {
          received.push({ key: `${role} → ${to.address}`, messageId });
        }
        callback(null, "Queued");
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port,
    received,
    logins: () => logins,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An HTTP server on 127.0.0.1 answering every request with `answer`; it records each request. */
async function startHttp(answer: (res: http.ServerResponse) => void) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Peers a test started, stopped after it whatever happened.
const peers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of peers.splice(0).reverse()) await stop();
});

// ---------------------------------------------------------------------------------------------

describe("1. a data file the user cannot read", () => {
  it(
    "validate exits 2 naming the file, with what to do, and writes nothing",
    async () => {
      const dir = await starterWorkspace({ ceo: ["owner@example.com"] });
      const unreadable = path.join(dir, "data", "ledger", "checking.csv");
      await chmod(unreadable, 0o000);
      // The tests run as root, who reads any file whatever its mode (CAP_DAC_OVERRIDE). The CLI
      // keeps root's uid, so it still reaches the clone and its own files, but runs without the
      // two capabilities that bypass permissions: then the chmod bites. Not root: it bites anyway.
      const withoutOverride =
        process.getuid?.() === 0
          ? [
              "setpriv",
              "--bounding-set=-dac_override,-dac_read_search",
              "--inh-caps=-dac_override,-dac_read_search",
            ]
          : [];
      const run = await finish(
        start([...withoutOverride, ...cli("validate", "-w", dir, "--period", PERIOD)], {
          cwd: dir,
        }),
      );

      expectExplained(
        run,
        2,
        /data\/ledger\/checking\.csv.*permission denied/,
        /hint: .*(readable|chmod)/,
      );
      expect(run.stdout).toBe("");
      expect(existsSync(stateDir(dir)), "validate writes nothing").toBe(false);
    },
    TEST_TIMEOUT,
  );
});

describe("2. an SMTP server that cannot be reached", () => {
  it(
    "run exits 1 naming the address, sends nothing, and the next run with a working server sends each message once",
    async () => {
      const recipients = { ceo: ["a@example.com", "b@example.com"], cfo: ["c@example.com"] };
      const dir = await starterWorkspace(recipients);
      // A port that was free a moment ago: nothing listens there, so connecting is refused.
      const deadPort = await freePort();
      const smtp = (port: number) => ({
        transport: {
          driver: "smtp",
          from: FROM,
          smtp: { host: "127.0.0.1", port, requireTLS: false },
          retry: { maxAttempts: 1 },
        },
      });
      await editConfig(dir, smtp(deadPort));

      const failed = await runWorkspace(dir);
      expectExplained(
        failed,
        1,
        // Which server: the address as configured, so the person can compare it with the config.
        [/reach/i, new RegExp(`127\\.0\\.0\\.1:${deadPort}`)],
        /hint: .*(host|port)/,
      );
      // Nothing sent: the ledger has every message still to send, the history says so.
      expect(ledgerRows(dir).filter((r) => r.state === "sent")).toEqual([]);
      const [last] = await history(dir);
      expect(last).toMatchObject({ status: "failed", sent: 0 });
      await expectNothingHalfWritten(dir);

      const server = await startSmtp();
      peers.push(server.stop);
      await editConfig(dir, smtp(server.port));
      const again = await runWorkspace(dir);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(STACK_LINE);
      expect(server.received.map((r) => r.key).sort()).toEqual(plannedKeys(recipients));
      expect(ledgerRows(dir).filter((r) => r.state !== "sent")).toEqual([]);

      // And once sent, sent: a third run has nothing left to send.
      const third = await runWorkspace(dir);
      expect(third.code, third.stderr).toBe(0);
      expect(server.received).toHaveLength(plannedKeys(recipients).length);
    },
    TEST_TIMEOUT,
  );
});

/** The SMTP transport on a local port, logging in as SMTP_USER with SMTP_PASSWORD. */
function smtpWithLogin(port: number): Record<string, unknown> {
  return {
    driver: "smtp",
    from: FROM,
    smtp: {
      host: "127.0.0.1",
      port,
      requireTLS: false,
      userEnv: "SMTP_USER",
      passwordEnv: "SMTP_PASSWORD",
    },
  };
}

describe("3. credentials refused", () => {
  it(
    "(a) SMTP login refused (535): exit 1, says so and what to do, stops after the first message",
    async () => {
      const recipients = { ceo: ["a@example.com", "b@example.com"], cfo: ["c@example.com"] };
      const dir = await starterWorkspace(recipients);
      const server = await startSmtp({ refuseLogin: true });
      peers.push(server.stop);
      // The default concurrency (8 senders): the first message still goes alone, so a refused
      // login is tried once, not once per sender (a burst of failed logins can lock an account).
      await editConfig(dir, {
        transport: { ...smtpWithLogin(server.port), retry: { maxAttempts: 3 } },
      });

      const run = await runWorkspace(
        dir,
        childEnv({ SMTP_USER: "reports", SMTP_PASSWORD: "not-the-password" }),
      );
      expectExplained(run, 1, /login|535/i, /hint: .*(password|SMTP_PASSWORD|credentials|user)/i);
      expect(run.stderr).toMatch(/535/);
      // Account-level: one login, no retry of it, no attempt at the other messages.
      expect(server.logins()).toBe(1);
      expect(server.received).toEqual([]);
      const rows = ledgerRows(dir);
      expect(rows.filter((r) => r.state === "sent")).toEqual([]);
      expect(rows.filter((r) => r.attempts > 0)).toHaveLength(1);
      expect((await history(dir))[0]).toMatchObject({ status: "failed", sent: 0 });
      await expectNothingHalfWritten(dir);
    },
    TEST_TIMEOUT,
  );

  it(
    "(d) SMTP login variables not set: exit 2 before anything is archived, naming each variable",
    async () => {
      const dir = await starterWorkspace({ ceo: ["a@example.com"] });
      const server = await startSmtp({ refuseLogin: true });
      peers.push(server.stop);
      await editConfig(dir, { transport: smtpWithLogin(server.port) });
      const run = await runWorkspace(dir, childEnv());
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain("transport.smtp.userEnv names SMTP_USER, which is not set");
      expect(run.stderr).toContain(
        "transport.smtp.passwordEnv names SMTP_PASSWORD, which is not set",
      );
      expect(run.stderr).toMatch(
        /hint: set SMTP_PASSWORD in the environment or the workspace's \.env/,
      );
      expect(run.stderr).not.toMatch(STACK_LINE);
      // Said before the archive: nothing kept, nothing tried.
      expect(existsSync(archiveDir(dir))).toBe(false);
      expect(server.logins()).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    "(b) S3 archive with keys the bucket refuses: exit 1, 'AWS refused the credentials', nothing sent",
    async () => {
      const recipients = { ceo: ["a@example.com"], cfo: ["c@example.com"] };
      const dir = await starterWorkspace(recipients);
      const s3: S3rverPeer = await startS3rver();
      peers.push(s3.stop);
      await editConfig(dir, {
        archive: {
          driver: "s3",
          s3: { bucket: s3.bucket, endpoint: s3.url, forcePathStyle: true, region: "us-east-1" },
        },
      });

      // s3rver checks signatures and knows only the S3RVER key pair: these keys are unknown.
      const run = await runWorkspace(
        dir,
        childEnv({
          AWS_ACCESS_KEY_ID: "AKIAREVOKEDKEY000000",
          AWS_SECRET_ACCESS_KEY: "revoked-secret",
          AWS_REGION: "us-east-1",
        }),
      );
      expectExplained(
        run,
        1,
        /error: AWS refused the credentials/,
        /hint: .*(refresh|aws sso login|new keys)/,
      );
      // The archive comes before delivery: with no archive, nothing may be sent.
      expect(await filesUnder(outboxDir(dir))).toEqual([]);
      expect(ledgerRows(dir).filter((r) => r.state === "sent")).toEqual([]);
      const bucket = s3rverClient(s3);
      try {
        const listed = await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
        expect(listed.Contents ?? []).toEqual([]);
      } finally {
        bucket.destroy();
      }
      await expectNothingHalfWritten(dir);
    },
    TEST_TIMEOUT,
  );

  it(
    "(c) SES with expired credentials: exit 1, names the expired token and what to do, nothing sent",
    async () => {
      const recipients = { ceo: ["a@example.com", "b@example.com"], cfo: ["c@example.com"] };
      const dir = await starterWorkspace(recipients);
      // Stands in for SES: aws-ses-v2-local does not check credentials at all, so it cannot
      // refuse them. This answers every request as SES v2 answers an expired session token:
      // 403, the error type in x-amzn-errortype (the SDK names the error after it), JSON body.
      const ses = await startHttp((res) => {
        const body = JSON.stringify({
          message: "The security token included in the request is expired",
        });
        res.writeHead(403, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-amzn-errortype": "ExpiredTokenException",
          "x-amzn-requestid": "expired-token-stand-in",
        });
        res.end(body);
      });
      peers.push(ses.stop);
      await editConfig(dir, {
        transport: {
          driver: "ses",
          from: FROM,
          ses: { region: "us-east-1", endpoint: ses.url },
          concurrency: 1,
        },
      });

      const run = await runWorkspace(
        dir,
        childEnv({
          AWS_ACCESS_KEY_ID: "ASIAEXPIREDSESSION00",
          AWS_SECRET_ACCESS_KEY: "expired-secret",
          AWS_SESSION_TOKEN: "expired-session-token",
          AWS_REGION: "us-east-1",
        }),
      );
      expectExplained(
        run,
        1,
        /ExpiredToken|security token .* expired/i,
        /hint: .*(refresh|aws sso login|new keys|credentials)/i,
      );
      // Account-level: the first SendEmail is refused and no other is tried.
      expect(
        ses.requests.filter((r) => r.startsWith("POST /v2/email/outbound-emails")),
      ).toHaveLength(1);
      expect(ledgerRows(dir).filter((r) => r.state === "sent")).toEqual([]);
      expect((await history(dir))[0]).toMatchObject({ status: "failed", sent: 0 });
      await expectNothingHalfWritten(dir);
    },
    TEST_TIMEOUT,
  );
});

describe("2b. an unreachable SES endpoint", () => {
  it(
    "run exits 1 naming the endpoint, sends nothing, and leaves every message pending",
    async () => {
      const recipients = { ceo: ["a@example.com"], cfo: ["c@example.com"] };
      const dir = await starterWorkspace(recipients);
      // A port that was free a moment ago: nothing listens there, so connecting is refused.
      const deadPort = await freePort();
      await editConfig(dir, {
        transport: {
          driver: "ses",
          from: FROM,
          ses: { region: "us-east-1", endpoint: `http://127.0.0.1:${deadPort}` },
          retry: { maxAttempts: 1 },
        },
      });
      const run = await runWorkspace(
        dir,
        childEnv({
          AWS_ACCESS_KEY_ID: "AKIAEXAMPLEUNREACH00",
          AWS_SECRET_ACCESS_KEY: "unreachable-secret",
          AWS_REGION: "us-east-1",
        }),
      );
      expectExplained(
        run,
        1,
        [/could not be reached/, new RegExp(`127\\.0\\.0\\.1:${deadPort}`)],
        /hint: .*transport\.ses\.region/,
      );
      expect(ledgerRows(dir).filter((r) => r.state === "sent")).toEqual([]);
      expect((await history(dir))[0]).toMatchObject({ status: "failed", sent: 0 });
      await expectNothingHalfWritten(dir);
    },
    TEST_TIMEOUT,
  );
});

describe("4. a full disk (simulated with a file size limit)", () => {
  const recipients = { ceo: ["a@example.com", "b@example.com"], cfo: ["c@example.com"] };

  /**
   * `exec-intel run` with no file allowed past `limitKiB` (ulimit -f counts 1024-byte blocks).
   * Node ignores SIGXFSZ, so a write past the limit fails with EFBIG as one on a full disk fails
   * with ENOSPC: the call fails, the process goes on.
   */
  const runLimited = (dir: string, limitKiB: number) =>
    finish(
      start([
        "bash",
        "-c",
        'ulimit -f "$0" && exec "$@"',
        String(limitKiB),
        ...cli("run", "-w", dir, "--period", PERIOD),
      ]),
    );

  /** Afterwards: nothing half-written, and a run without the limit finishes the job. */
  const expectRecovers = async (dir: string) => {
    await expectNothingHalfWritten(dir);
    await expectWholeArchive(dir);
    const again = await runWorkspace(dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(STACK_LINE);
    const verified = await exec(["verify", "latest", "-w", dir]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    await expectEveryMessageOnce(dir, recipients);
  };

  it(
    "while archiving: exit 1, 'no space left' with the hint, no half-written file, and the next run completes",
    async () => {
      const dir = await starterWorkspace(recipients);
      // A workspace in use already has its state database. Creating its schema writes a WAL of
      // about 100 KB, which would meet the limit before the archive does (that case is below).
      const created = await runCli(["history", "-w", dir]);
      expect(created.code, created.stderr).toBe(0);
      // 40 KiB: more than the audit log and the database's WAL reach before archiving, less than
      // the reports' HTML (42 KB and 52 KB), so the first archive write too big fails. Anything
      // from 32 to 48 KiB fails at the same place.
      const run = await runLimited(dir, 40);
      expectExplained(
        run,
        1,
        /error: no space left to write \S*\/archive\/\S+ \(EFBIG\)/,
        /hint: free some space/,
      );
      expect(run.stderr).toContain("gate: passed");
      // Delivery never started: the archive comes first.
      expect(await filesUnder(outboxDir(dir))).toEqual([]);
      await expectRecovers(dir);
    },
    TEST_TIMEOUT,
  );

  it(
    "while writing the state database: said the same way, and the next run completes",
    async () => {
      const dir = await starterWorkspace(recipients);
      // A first run creates the state database; its WAL outgrows 64 KiB before the gate runs.
      const run = await runLimited(dir, 64);
      expectExplained(run, 1, /no space left/, /hint: free some space/);
      expect(await filesUnder(outboxDir(dir))).toEqual([]);
      await expectRecovers(dir);
    },
    TEST_TIMEOUT,
  );
});

describe("5. Ctrl-C during a run", () => {
  const recipients = {
    ceo: ["a@example.com", "b@example.com", "c@example.com"],
    cto: ["d@example.com", "e@example.com"],
    accounting: ["f@example.com"],
    cmo: ["g@example.com", "h@example.com"],
    cfo: ["i@example.com", "j@example.com"],
  };

  it(
    "while delivering: exit 130, says what was sent and what is pending; the next run sends the rest, each once",
    async () => {
      const dir = await starterWorkspace(recipients);
      // One message a second, one at a time: ten messages take about ten seconds.
      await editConfig(dir, { transport: { driver: "outbox", rate: 1, concurrency: 1 } });
      const running = start(cli("run", "-w", dir, "--period", PERIOD));
      await untilFirstMessage(dir, running);
      running.child.kill("SIGINT");
      const run = await finish(running);

      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).not.toMatch(STACK_LINE);
      expect(run.stderr).toContain("stopping at the next safe point");
      const said = /interrupted: .*?(\d+) message\(s\) sent; (\d+) left pending/.exec(run.stderr);
      expect(said, run.stderr).not.toBeNull();
      const sentNow = Number(said?.[1]);
      const pending = Number(said?.[2]);
      const planned = plannedOutbox(recipients);
      // Interrupted mid-delivery: some sent, the rest pending, and the message adds up.
      expect(sentNow).toBeGreaterThan(0);
      expect(pending).toBeGreaterThan(0);
      expect(sentNow + pending).toBe(planned.length);
      const emls = (await filesUnder(outboxDir(dir))).filter((f) => f.endsWith(".eml"));
      expect(emls).toHaveLength(sentNow);
      expect(ledgerRows(dir).filter((r) => r.state === "sent")).toHaveLength(sentNow);
      await expectNothingHalfWritten(dir);
      await expectWholeArchive(dir);

      const again = await runWorkspace(dir);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(STACK_LINE);
      await expectEveryMessageOnce(dir, recipients);
      const verified = await exec(["verify", "latest", "-w", dir]);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    "while collecting: exit 130, 'nothing was archived or sent', no archive folder",
    async () => {
      const dir = await starterWorkspace(recipients);
      // The bank export becomes a named pipe: collecting blocks reading it until the test writes
      // it, so the signal lands while the run is certainly collecting, whatever the machine's speed.
      const ledger = path.join(dir, "data", "ledger", "checking.csv");
      const content = await readFile(ledger);
      await rm(ledger);
      await new Promise<void>((resolve, reject) => {
        const mkfifo = spawn("mkfifo", [ledger], { stdio: "ignore" });
        mkfifo.once("error", reject);
        mkfifo.once("exit", (code) =>
          code === 0 ? resolve() : reject(new Error(`mkfifo exited ${code}`)),
        );
      });
      const running = start(cli("run", "-w", dir, "--period", PERIOD));
      // Opening a pipe for writing waits for its reader: this resolves once the CLI opens the
      // file to collect it. If the CLI ends without opening it, opening the reading end here
      // (non-blocking) releases the wait, so no thread of the test runner stays stuck.
      let opened = false;
      const writer = open(ledger, "w").then((handle) => {
        opened = true;
        return handle;
      });
      const ended = running.exited.then(async () => {
        if (!opened) {
          const reader = await open(ledger, constants.O_RDONLY | constants.O_NONBLOCK);
          await reader.close();
        }
        return "ended" as const;
      });
      const first = await Promise.race([writer.then(() => "opened" as const), ended]);
      const pipe = await writer;
      try {
        expect(first, `the CLI never read the bank export:\n${running.stderr()}`).toBe("opened");
        running.child.kill("SIGINT");
        // The CLI says it heard the signal before it gets the rest of its data.
        await until(
          "the CLI's word that it heard Ctrl-C",
          () => (running.stderr().includes("stopping at the next safe point") ? true : undefined),
          running,
        );
        await pipe.writeFile(content);
      } finally {
        await pipe.close();
      }
      const run = await finish(running);

      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).not.toMatch(STACK_LINE);
      expect(run.stderr).toMatch(/interrupted: .*nothing was archived or sent/);
      expect(existsSync(archiveDir(dir))).toBe(false);
      expect(existsSync(outboxDir(dir))).toBe(false);

      // "run the same command again": with the file back, it does the whole job.
      await rm(ledger);
      await writeFile(ledger, content);
      const again = await runWorkspace(dir);
      expect(again.code, again.stderr).toBe(0);
      await expectEveryMessageOnce(dir, recipients);
    },
    TEST_TIMEOUT,
  );
});

describe("6. a second Ctrl-C", () => {
  const recipients = {
    ceo: ["a@example.com", "b@example.com"],
    cfo: ["c@example.com", "d@example.com"],
  };

  it(
    "quits at once with exit 130, and the next run still sends every message exactly once",
    async () => {
      const dir = await starterWorkspace(recipients);
      // One message every five seconds: after the first, the next is claimed in the ledger and
      // waits seconds for its turn, which is where the second Ctrl-C finds it.
      await editConfig(dir, { transport: { driver: "outbox", rate: 0.2, concurrency: 1 } });
      const running = start(cli("run", "-w", dir, "--period", PERIOD));
      await untilFirstMessage(dir, running);
      // Past the first message's bookkeeping: the second one is claimed and waiting.
      await delay(500);
      running.child.kill("SIGINT");
      await until(
        "the CLI's word that it heard Ctrl-C",
        () => (running.stderr().includes("stopping at the next safe point") ? true : undefined),
        running,
      );
      running.child.kill("SIGINT");
      const run = await finish(running);

      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).not.toMatch(STACK_LINE);
      // Quit at once: not the orderly stop, which would have waited for the message in flight
      // and then said what was kept.
      expect(run.stderr).not.toContain("interrupted:");
      // The message it was holding is left claimed ("sending"): the ledger cannot know whether
      // it went, and the next run must settle it.
      const inFlight = ledgerRows(dir).filter((r) => r.state === "sending");
      expect(inFlight).toHaveLength(1);
      await expectNothingHalfWritten(dir);

      const again = await runWorkspace(dir);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(STACK_LINE);
      // The half-sent message is announced, then sent (policy "resend", the default).
      expect(again.stderr).toContain(
        `${TENANT}/${PERIOD}/${inFlight[0]?.report} → ${inFlight[0]?.recipient} was left half-sent`,
      );
      await expectEveryMessageOnce(dir, recipients);
      // The killed run wrote no manifest; this one's covers what it archived itself.
      const verified = await exec(["verify", "latest", "-w", dir]);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    },
    TEST_TIMEOUT,
  );
});
