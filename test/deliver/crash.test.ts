import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { openSqliteLedger } from "../../src/adapters/store/sqlite-store.js";
import { copyWorkspace, PORTFOLIO, PORTFOLIO_ROLES } from "../helpers/cli.js";
import { type SesEmulator, type StoredEmail, startSesEmulator } from "../helpers/ses-emulator.js";

// Crash safety of `exec-intel run` against the SES emulator: the built CLI is SIGKILLed at seeded
// random moments, most of them while it is delivering, then run to completion. Every
// (report, recipient) must end `sent` and be at the emulator at least once; a copy beyond the
// first is allowed only for a row the ledger turned `uncertain`, and only if the run that sent it
// again said so on stderr. A relay between the CLI and the emulator sees each SendEmail as it
// arrives, so the test knows which run sent what, and can kill a run at the worst moment: after
// its request is complete but before it hears that SES accepted it.

const CLI = fileURLToPath(new URL("../../bin/exec-intel.js", import.meta.url));
const PERIOD = "2026-10";
const TENANT = "portfolio";
const ROLES = PORTFOLIO_ROLES;
/** About 250 messages in all, as many as the plan had with the five C-suite roles alone. */
const PER_ROLE = 32;
/** A killed run sends at most about this many messages; ten of them stay well short of the plan. */
const MAX_SENDS_BEFORE_KILL = 12;
const SEED = Number(process.env.EXEC_INTEL_CRASH_SEED ?? 20_261_121);

/**
 * How a run is killed: `anywhere` at a random time after it starts (rendering or delivering),
 * `mid-delivery` a random few milliseconds after its n-th SendEmail (the next message may be
 * assembling, claimed, in flight or being recorded), `in-flight` the instant its n-th SendEmail
 * request is complete (it still reaches SES: the duplicate case). Kills are counted in sends, not
 * only in time, so that however fast the machine, no killed run can finish the plan.
 */
type KillKind = "anywhere" | "mid-delivery" | "in-flight";
const KILLS: readonly KillKind[] = [
  "anywhere",
  "anywhere",
  "in-flight",
  "in-flight",
  ...Array.from({ length: 6 }, () => "mid-delivery" as const),
];

/** Uniform on [0, 1), reproducible: the n-th draw is read from SHA-256 of (seed, n). */
function seededRandom(seed: number): () => number {
  let n = 0;
  return () => createHash("sha256").update(`${seed}:${n++}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** One SendEmail that reached the relay complete, and so went on to the emulator. */
interface RelayedSend {
  recipient: string;
  messageId: string;
  /** Index of the CLI run that sent it. */
  run: number;
}

/** The envelope recipient and the Message-ID header of a SendEmail request body. */
function readSend(body: Buffer): { recipient: string; messageId: string } {
  const request = JSON.parse(body.toString("utf8")) as {
    Destination: { ToAddresses: string[] };
    Content: { Raw: { Data: string } };
  };
  const raw = Buffer.from(request.Content.Raw.Data, "base64").toString("latin1");
  const headers = raw.slice(0, raw.indexOf("\r\n\r\n"));
  return {
    recipient: request.Destination.ToAddresses.join(","),
    messageId: /^Message-ID:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? "",
  };
}

/**
 * An HTTP relay to `target` that calls `onSend` for every complete SendEmail request before
 * relaying it, synchronously, so a kill issued there lands before the sender can hear the answer.
 * A request whose sender died before finishing it is dropped, as SES would never see it either.
 */
async function startRelay(
  target: string,
  onSend: (send: { recipient: string; messageId: string }) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => undefined);
    res.on("error", () => undefined);
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith("/v2/email/outbound-emails") === true) onSend(readSend(body));
      const upstream = http.request(
        new URL(req.url ?? "/", target),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A copy of the reference workspace with one tenant, PER_ROLE recipients per role, SES via `endpoint`. */
async function crashWorkspace(
  endpoint: string,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const workspace = await copyWorkspace(PORTFOLIO);
  // The example's own ledger and outbox (from `npm run demo`) are not part of this test.
  await rm(path.join(workspace.dir, ".exec-intel"), { recursive: true, force: true });
  const file = path.join(workspace.dir, "exec-intel.yaml");
  const config = parseDocument(await readFile(file, "utf8"));
  config.set("transport", {
    driver: "ses",
    from: { name: "Crash Test Reports", email: "reports@example.com" },
    ses: { endpoint, region: "eu-west-1" },
    rate: 100,
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
    uncertain: "resend",
  });
  config.setIn(["render", "pdf"], "off");
  config.deleteIn(["tenants", 1]);
  for (const role of ROLES) {
    config.setIn(
      ["tenants", 0, "roles", role, "recipients"],
      plannedRecipients(role).map((email, i) => ({ name: `Reader ${role} ${i}`, email })),
    );
  }
  await writeFile(file, config.toString());
  return workspace;
}

function plannedRecipients(role: string): string[] {
  return Array.from({ length: PER_ROLE }, (_, i) => `${role}-${i}@example.com`);
}

/** What one CLI run did. */
interface RunRecord {
  kind: KillKind | "to-completion";
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** SendEmail requests of this run that reached the relay complete. */
  sends: number;
  /** How many of them had when the kill was issued. */
  sendsAtKill?: number;
}

/** The "left half-sent" lines of a run's stderr, as `role → recipient`. */
function halfSentKeys(stderr: string): string[] {
  const prefix = `delivery: ${TENANT}/${PERIOD}/`;
  return stderr
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .map((line) =>
      /^(\S+) → (\S+) was left half-sent by an interrupted run/.exec(line.slice(prefix.length)),
    )
    .flatMap((match) => (match === null ? [] : [`${match[1]} → ${match[2]}`]));
}

describe("exec-intel run killed at random moments while delivering through SES", () => {
  let emulator: SesEmulator;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let workspace: { dir: string; cleanup: () => Promise<void> };
  const relayed: RelayedSend[] = [];
  let live: { child: ChildProcess; index: number; onSend: () => void } | undefined;

  beforeAll(async () => {
    emulator = await startSesEmulator();
    relay = await startRelay(emulator.url, (send) => {
      relayed.push({ ...send, run: live?.index ?? -1 });
      live?.onSend();
    });
    workspace = await crashWorkspace(relay.url);
  }, 30_000);

  afterAll(async () => {
    live?.child.kill("SIGKILL");
    await relay?.close();
    await emulator?.stop();
    await workspace?.cleanup();
  });

  /** Spawns `exec-intel run --json`; `arm`, given a kill function, decides when to call it. */
  async function runOnce(
    index: number,
    kind: RunRecord["kind"],
    arm: (kill: () => void) => { onSend: (sends: number) => void; cancel: () => void },
  ): Promise<RunRecord> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: "crash-test",
      AWS_SECRET_ACCESS_KEY: "crash-test",
      AWS_REGION: "eu-west-1",
    };
    delete env.AWS_PROFILE;
    const child = spawn(
      process.execPath,
      [CLI, "run", "-w", workspace.dir, "--period", PERIOD, "--json"],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const record: RunRecord = { kind, code: null, signal: null, stdout: "", stderr: "", sends: 0 };
    child.stdout?.on("data", (chunk: Buffer) => {
      record.stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      record.stderr += chunk.toString();
    });
    const closed = once(child, "close");
    const trigger = arm(() => {
      record.sendsAtKill ??= record.sends;
      child.kill("SIGKILL");
    });
    live = {
      child,
      index,
      onSend: () => {
        record.sends += 1;
        trigger.onSend(record.sends);
      },
    };
    const [code, signal] = (await closed) as [number | null, NodeJS.Signals | null];
    trigger.cancel();
    live = undefined;
    return { ...record, code, signal };
  }

  it("delivers every (report, recipient) at least once, duplicating only uncertain rows, each logged", async () => {
    const random = seededRandom(SEED);
    const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    const kinds = [...KILLS];
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = between(0, i);
      [kinds[i], kinds[j]] = [kinds[j] as KillKind, kinds[i] as KillKind];
    }
    const runs: RunRecord[] = [];
    for (const kind of kinds) {
      // Drawn before the run, so the same seed gives the same moments however fast it goes.
      const afterMs = kind === "anywhere" ? between(100, 3_000) : between(0, 60);
      const fatalSend = between(1, MAX_SENDS_BEFORE_KILL);
      const run = await runOnce(runs.length, kind, (kill) => {
        let timer: NodeJS.Timeout | undefined;
        if (kind === "anywhere") timer = setTimeout(kill, afterMs);
        return {
          onSend: (sends) => {
            if (kind === "in-flight" && sends === fatalSend) kill();
            if (kind === "mid-delivery" && sends === fatalSend) timer = setTimeout(kill, afterMs);
            if (sends >= MAX_SENDS_BEFORE_KILL + 2) kill();
          },
          cancel: () => clearTimeout(timer),
        };
      });
      runs.push(run);
      // A run that finished before its kill leaves nothing to crash on.
      if (run.signal !== "SIGKILL") break;
    }
    const final = await runOnce(runs.length, "to-completion", () => ({
      onSend: () => undefined,
      cancel: () => undefined,
    }));
    runs.push(final);
    const seed = `seed ${SEED}`;
    expect(final.code, `${seed}: ${final.stderr}`).toBe(0);

    const killed = runs.filter((r) => r.signal === "SIGKILL");
    const midDelivery = killed.filter((r) => (r.sendsAtKill ?? 0) > 0);
    expect(killed.length, seed).toBeGreaterThanOrEqual(10);
    expect(midDelivery.length, seed).toBeGreaterThanOrEqual(8);

    // The plan: every role's report to each of its recipients, all sent by the last run.
    const summary = JSON.parse(final.stdout) as {
      tenants: { reports: { role: string; subject: string }[] }[];
      deliveries: { report: string; recipient: string; status: string; messageId: string }[];
    };
    const plan = ROLES.flatMap((role) => plannedRecipients(role).map((to) => `${role} → ${to}`));
    expect(summary.deliveries.map((d) => `${d.report} → ${d.recipient}`).sort()).toEqual(
      [...plan].sort(),
    );
    expect(
      summary.deliveries.filter((d) => d.status !== "sent"),
      seed,
    ).toEqual([]);
    const subjectOf = new Map(summary.tenants[0]?.reports.map((r) => [r.role, r.subject]));
    expect([...subjectOf.keys()].sort()).toEqual([...ROLES].sort());

    const ledger = openSqliteLedger(path.join(workspace.dir, ".exec-intel", "state.sqlite"));
    const rows = ledger.rows({ tenant: TENANT, period: PERIOD });
    const events = ledger.events({ tenant: TENANT, period: PERIOD });
    ledger.close();
    expect(rows.map((r) => `${r.report} → ${r.recipient}`).sort()).toEqual([...plan].sort());
    expect(
      rows.filter((r) => r.state !== "sent"),
      seed,
    ).toEqual([]);

    // What the emulator holds, per recipient (each recipient is in exactly one role's list).
    const stored = await emulator.emails();
    const copies = new Map<string, StoredEmail[]>();
    for (const email of stored) {
      const to = email.destination.to.map((a) => /<([^>]+)>/.exec(a)?.[1] ?? a).join(",");
      copies.set(to, [...(copies.get(to) ?? []), email]);
    }
    expect([...copies.keys()].sort()).toEqual(rows.map((r) => r.recipient).sort());

    const uncertainOf = (recipient: string) =>
      events.filter((e) => e.recipient === recipient && e.toState === "uncertain").length;
    const loggedBy = runs.map((r) => new Set(halfSentKeys(r.stderr)));
    let duplicates = 0;
    for (const row of rows) {
      const key = `${row.report} → ${row.recipient}`;
      const atPeer = copies.get(row.recipient) ?? [];
      const sends = relayed.filter((s) => s.recipient === row.recipient);
      // The right report, as often as it reached the emulator, always as the same message.
      expect(atPeer.map((e) => e.subject)).toEqual(atPeer.map(() => subjectOf.get(row.report)));
      expect(atPeer.length, key).toBe(sends.length);
      expect(new Set(sends.map((s) => s.messageId)), key).toEqual(new Set([row.messageId]));
      expect(
        atPeer.map((e) => e.messageId),
        key,
      ).toContain(row.providerMessageId);
      // Each copy after the first was sent by a run that found the row half-sent and said so.
      for (const again of sends.slice(1)) {
        expect(loggedBy[again.run]?.has(key), `${seed}: run ${again.run} resent ${key}`).toBe(true);
      }
      expect(uncertainOf(row.recipient), key).toBeGreaterThanOrEqual(sends.length - 1);
      duplicates += sends.length - 1;
    }
    // Every "left half-sent" line is one row the ledger turned uncertain, and the other way round.
    for (const row of rows) {
      const key = `${row.report} → ${row.recipient}`;
      const lines = loggedBy.filter((keys) => keys.has(key)).length;
      expect(lines, key).toBe(uncertainOf(row.recipient));
    }
    expect(relayed.filter((s) => s.run < 0)).toEqual([]);
    expect(stored.length).toBe(plan.length + duplicates);
    const inFlight = killed.filter((r) => r.kind === "in-flight").length;
    expect(duplicates, seed).toBeGreaterThanOrEqual(inFlight);

    const uncertainRows = new Set(
      events.filter((e) => e.toState === "uncertain").map((e) => e.recipient),
    );
    console.info(
      `crash test (${seed}): ${killed.length} kills, ${midDelivery.length} mid-delivery ` +
        `(${inFlight} in flight); ${uncertainRows.size} rows went uncertain; ` +
        `${stored.length} messages at the emulator for ${plan.length} planned, ${duplicates} duplicates`,
    );
  }, 240_000);
});
