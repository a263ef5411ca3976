import path from "node:path";
import { loadWorkspaceConfig } from "../adapters/workspace/config-file.js";
import type { Config } from "../core/config.js";
import { InputError, problem } from "../core/errors.js";
import type { DashboardDeps } from "../server/app.js";

// `exec-intel serve`: the dashboard over the workspace's state database and archive, on
// 127.0.0.1 by default. Sign-in links go out through the configured transport (the outbox
// locally, so a link can be taken from `.exec-intel/outbox/`).

type Env = Readonly<Record<string, string | undefined>>;

/** The dashboard's adapters for a workspace, and how to close them. */
export async function dashboardDeps(
  workspace: string,
  env: Env,
  origin: string,
  now: () => Date,
  onOutboxLink?: (email: string, link: string) => void,
): Promise<{ deps: DashboardDeps; close: () => Promise<void>; config: Config }> {
  const config = await loadWorkspaceConfig(workspace, env);
  const stateDir = path.join(workspace, config.stateDir);
  const file = path.join(stateDir, "state.sqlite");
  const { openRunHistory } = await import("../adapters/store/run-history.js");
  const { openFollowUpStore } = await import("../adapters/store/follow-up-store.js");
  const { openSessionStore, openAnnotationStore } = await import(
    "../adapters/store/session-store.js"
  );
  const { openSqliteLedger } = await import("../adapters/store/sqlite-store.js");
  const { openArchive } = await import("../archive.js");
  const { sendNotice } = await import("../deliver.js");
  const history = openRunHistory(file);
  const followUp = openFollowUpStore(file);
  const sessions = openSessionStore(file);
  const annotations = openAnnotationStore(file);
  const ledger = openSqliteLedger(file);
  const archive = await openArchive(config, workspace, env);
  const deps: DashboardDeps = {
    config,
    history,
    archive,
    followUp,
    sessions,
    annotations,
    deliveries: (tenant) => ledger.rows({ tenant }),
    sendSignInLink: async (email, link, tenant) => {
      await sendNotice(config, stateDir, env, {
        tenant,
        kind: "sign-in",
        name: "magic-link",
        to: email,
        subject: "Your exec-intel sign-in link",
        text: `Sign in to the exec-intel dashboard:\n\n${link}\n\nThe link works once, for 15 minutes. If you did not ask for it, ignore this email.\n`,
        now: now(),
      });
      // The outbox emails nobody: whoever runs the dashboard locally is the only reader anyway.
      if (config.transport.driver === "outbox") onOutboxLink?.(email, link);
    },
    now,
    origin,
  };
  return {
    deps,
    config,
    close: async () => {
      for (const store of [history, followUp, sessions, annotations, ledger]) store.close();
    },
  };
}

/** Starts the dashboard; resolves once it listens, with the address and a stop function. */
export async function serveDashboard(options: {
  workspace: string;
  env: Env;
  host: string;
  port: number;
  origin?: string;
  now?: () => Date;
  /** With the outbox transport, each sign-in link is also handed here (the terminal). */
  onOutboxLink?: (email: string, link: string) => void;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = options.origin !== undefined ? checkedOrigin(options.origin) : undefined;
  const { serve } = await import("@hono/node-server");
  const { createDashboard } = await import("../server/app.js");
  // The app is built once the port is known (port 0 picks a free one), since sign-in links in
  // emails must carry the real origin; nobody can reach the server before that.
  let app: ReturnType<typeof createDashboard> | undefined;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve(
      {
        fetch: (request) =>
          app !== undefined ? app.fetch(request) : new Response("starting", { status: 503 }),
        hostname: options.host,
        port: options.port,
      },
      () => resolve(started),
    );
    // A port in use or an address not on this machine: said by the CLI, not a crash.
    started.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const origin = given ?? `http://${options.host}:${port}`;
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  let opened: Awaited<ReturnType<typeof dashboardDeps>>;
  try {
    opened = await dashboardDeps(
      options.workspace,
      options.env,
      origin,
      options.now ?? (() => new Date()),
      options.onOutboxLink,
    );
  } catch (error) {
    // A workspace that does not load is not served at all (no "starting" page forever).
    await stopListening();
    throw error;
  }
  const { deps, close } = opened;
  app = createDashboard(deps);
  return {
    url: origin,
    stop: async () => {
      if ("closeAllConnections" in server) server.closeAllConnections();
      await stopListening();
      await close();
    },
  };
}

/** The public origin for sign-in links: an http(s) URL without a path or a trailing slash. */
function checkedOrigin(origin: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    !/^https?:$/.test(url.protocol) ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw new InputError([
      problem(
        "--origin",
        undefined,
        `"${origin}" is not an origin`,
        "give the dashboard's public address without a path, e.g. --origin https://reports.example.com",
      ),
    ]);
  }
  return url.origin;
}
