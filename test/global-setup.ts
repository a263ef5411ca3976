import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// The reference portfolio's git repositories are generated, not committed: build them once
// before any test reads the portfolio (the script does nothing when they are current).
const SCRIPT = fileURLToPath(
  new URL("../examples/portfolio/scripts/make-repos.mjs", import.meta.url),
);

/** Vitest global setup: make sure examples/portfolio/repos/ exists and is current. */
export default function setup(): void {
  execFileSync(process.execPath, [SCRIPT], { stdio: "inherit" });
}
