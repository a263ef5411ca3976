import type { ScheduledRun } from "./ports.js";

/**
 * Whether a recorded run may be claimed now: waiting and due, or running under a lease that ended
 * or an owner that is gone. Shared by every driver so they agree on what "claimable" means.
 */
export function claimable(
  run: ScheduledRun,
  now: string,
  ownerGone?: (owner: string) => boolean,
): boolean {
  switch (run.state) {
    case "done":
    case "stopped":
      return false;
    case "waiting":
      return run.nextAttemptAt === null || run.nextAttemptAt <= now;
    case "running":
      return run.leaseUntil <= now || ownerGone?.(run.owner) === true;
  }
}
