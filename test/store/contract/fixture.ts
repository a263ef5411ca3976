import { afterEach, beforeEach, expect } from "vitest";
import type { SessionStore } from "../../../src/core/dashboard/ports.js";
import type { StateStores } from "../../../src/core/state-stores.js";

// What the contract suite needs from a driver, and the small helpers every part of it shares.
// The suite only ever talks to the port interfaces and awaits every call, so a synchronous
// driver (SQLite) and a networked one (DynamoDB) run the very same tests.

/** Every store the contract covers: the run's bundle plus the dashboard's sessions. */
export type ContractStores = StateStores & { sessions: SessionStore };

/** One test's stores, on data no other test sees. */
export interface StoreFixture {
  stores: ContractStores;
  /** A second, independent handle on the same data, as another process or Lambda opens it. */
  another(): Promise<ContractStores>;
  /** Closes every handle and drops the data. */
  close(): Promise<void>;
}

/** Opens fresh, empty stores for one test. */
export type OpenStores = () => Promise<StoreFixture>;

/** Opens a fixture before each test of the enclosing describe and closes it after. */
export function useFixture(open: OpenStores): () => StoreFixture {
  let current: StoreFixture | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error("no stores open outside a test");
    return current;
  };
}

/** A time on the suite's test day (2026-11-01 08:00 UTC), `seconds` after 08:00. */
export function at(seconds: number): Date {
  return new Date(Date.UTC(2026, 10, 1, 8, 0, seconds));
}

/** The same time as an ISO string, as the string-typed ports take it. */
export function iso(seconds: number): string {
  return at(seconds).toISOString();
}

/** The error a call threw or rejected with; fails the test when it succeeded. */
export async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  expect.fail("expected the call to fail, but it succeeded");
}

/** Expects the call to fail with the ledger's IllegalTransitionError (matched by name: each driver has its own class). */
export async function expectIllegal(call: () => unknown, message?: RegExp): Promise<void> {
  const error = await failure(call);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe("IllegalTransitionError");
  if (message !== undefined) expect((error as Error).message).toMatch(message);
}
