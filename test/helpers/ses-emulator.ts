import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(
  new URL("../../node_modules/aws-ses-v2-local/dist/cli.js", import.meta.url),
);

/** One message as aws-ses-v2-local keeps it (parsed from the raw content). */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  at: number;
}

/** A running SES emulator. */
export interface SesEmulator {
  url: string;
  /** Everything it accepted since the last clear. */
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The SES account GetAccount answers with (the emulator reads it from AWS_SES_ACCOUNT). */
export const EMULATED_ACCOUNT = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: "EN",
    MailType: "TRANSACTIONAL",
    ReviewDetails: { CaseId: "none", Status: "GRANTED" },
    UseCaseDescription: "monthly executive reports",
    WebsiteURL: "https://example.com",
  },
  EnforcementStatus: "HEALTHY",
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 1_234 },
  SuppressionAttributes: { SuppressedReasons: [] },
};

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`aws-ses-v2-local exited (${child.exitCode}): ${output()}`);
    }
    const up = await fetch(`${url}/health-check`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`aws-ses-v2-local did not answer at ${url} within 15 s: ${output()}`);
}

/** Starts aws-ses-v2-local as a child process on a free 127.0.0.1 port and waits until it answers. */
export async function startSesEmulator(): Promise<SesEmulator> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, "--port", String(port), "--host", "127.0.0.1"], {
    env: { PATH: process.env.PATH ?? "", AWS_SES_ACCOUNT: JSON.stringify(EMULATED_ACCOUNT) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, child, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    async emails() {
      const res = await fetch(`${url}/store`);
      if (!res.ok) throw new Error(`GET /store answered ${res.status}`);
      return ((await res.json()) as { emails: StoredEmail[] }).emails;
    },
    async clear() {
      const res = await fetch(`${url}/clear-store`, { method: "POST" });
      if (!res.ok) throw new Error(`POST /clear-store answered ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
