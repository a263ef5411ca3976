import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Raised when another live run holds the workspace's delivery lock. */
export class RunLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunLockedError";
  }
}

/**
 * Takes the workspace's delivery lock (`run.lock` holding the owner's pid) and returns its
 * release. One run delivers at a time: a second run would otherwise turn the first one's
 * in-flight messages into "uncertain" ones. A lock left by a killed process is taken over.
 */
export function acquireRunLock(stateDir: string, pid = process.pid): () => void {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, "run.lock");
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: "wx" });
      return () => {
        try {
          // Only our own lock: a nested holder in this process may have released it already,
          // and another process may hold it now.
          if (Number.parseInt(readFileSync(file, "utf8"), 10) === pid) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (Number.isInteger(owner) && owner !== pid && isAlive(owner)) {
        throw new RunLockedError(
          `another exec-intel run (pid ${owner}) is delivering from this workspace; wait for it to finish, or delete ${file} if that process is not exec-intel`,
        );
      }
      // The owner died (or the file is garbage): take the lock over.
      unlinkSync(file);
    }
  }
  throw new RunLockedError(`could not take the delivery lock ${file}`);
}

/** Whether a process with this pid exists on this machine. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
