import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

/** A running dynalite (DynamoDB's API over an in-memory store). */
export interface DynalitePeer {
  /** Endpoint for the SDK; dynalite accepts any credentials. */
  url: string;
  stop(): Promise<void>;
}

type Dynalite = (options: { createTableMs?: number; deleteTableMs?: number }) => Server;

/**
 * Starts dynalite in-process on 127.0.0.1 (a port the OS picks). Tables are ACTIVE as soon as
 * they are created, so a test can describe them at once.
 */
export async function startDynalite(): Promise<DynalitePeer> {
  // dynalite is CommonJS without type declarations.
  const dynalite = createRequire(import.meta.url)("dynalite") as Dynalite;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
