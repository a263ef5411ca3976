import type { Awaitable } from "../awaitable.js";

// The schedule store: one row per (tenant, period) the scheduler decided to run. Claiming that row
// is the only way to start a scheduled run, so a restart, a second scheduler or a catch-up after
// downtime can never start the same period twice; the delivery ledger then keeps each message to
// one send within the run.

/** Where a scheduled (tenant, period) run stands. */
export type ScheduledRunState =
  /** An owner is running it (until its lease ends). */
  | "running"
  /** Its sources did not cover the period yet: try again at `nextAttemptAt`. */
  | "waiting"
  /** Delivered (or nothing left to deliver): never again. */
  | "done"
  /** Stopped for good (the deadline passed and the owner was alerted, or it failed): never again. */
  | "stopped";

/** One scheduled run as the store keeps it. */
export interface ScheduledRun {
  tenant: string;
  period: string;
  /**
   * The fire time (ISO) that first made the period due; later claims keep it, since the
   * send-when-fresh deadline counts from it.
   */
  slot: string;
  state: ScheduledRunState;
  /** Who holds or last held it: `<host>:<pid>` locally, the request id on Lambda. */
  owner: string;
  /** Until when the owner's claim stands (ISO). */
  leaseUntil: string;
  attempts: number;
  /** When a waiting run may be tried again (ISO); null otherwise. */
  nextAttemptAt: string | null;
  /** Why it is in its state, for `exec-intel schedule --status` and the logs. */
  detail: string;
  updatedAt: string;
}

/** What a claim asks for. */
export interface ScheduleClaim {
  tenant: string;
  period: string;
  slot: string;
  owner: string;
  now: string;
  leaseUntil: string;
}

/** How a claim's holder leaves it. */
export interface ScheduleOutcome {
  state: Exclude<ScheduledRunState, "running">;
  detail: string;
  /** Required for `waiting`. */
  nextAttemptAt?: string;
}

/** Where scheduled runs are claimed; every call is scoped to one tenant. */
export interface ScheduleStore {
  /**
   * When the scheduler first saw the tenant (ISO): slots before it are never run, as with cron.
   * The first call records `now`; later calls return the recorded mark.
   */
  since(tenant: string, now: string): Awaitable<string>;
  /**
   * Claims the period's run: succeeds when no run exists, or it is waiting and due, or it is
   * running but its lease ended or `ownerGone` says its owner died. Returns the claimed run, or
   * undefined when someone else holds it or it is done or stopped.
   */
  claim(
    claim: ScheduleClaim,
    ownerGone?: (owner: string) => boolean,
  ): Awaitable<ScheduledRun | undefined>;
  /** Extends the holder's lease; false when the claim is no longer this owner's. */
  renew(tenant: string, period: string, owner: string, leaseUntil: string): Awaitable<boolean>;
  /** The holder records the outcome; false when the claim is no longer this owner's. */
  settle(
    tenant: string,
    period: string,
    owner: string,
    outcome: ScheduleOutcome,
    now: string,
  ): Awaitable<boolean>;
  find(tenant: string, period: string): Awaitable<ScheduledRun | undefined>;
  /** The tenant's scheduled runs, newest period first. */
  list(tenant: string): Awaitable<ScheduledRun[]>;
  close(): Awaitable<void>;
}
