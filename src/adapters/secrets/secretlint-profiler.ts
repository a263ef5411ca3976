// secretlint (through 13.0.x) profiles every lint whether or not anyone reads the profile: each
// file adds a `performance.mark` per rule to a global timeline and to an array the profiler
// searches linearly on every mark, so scanning grows quadratically slower and never frees the
// marks (secretlint/secretlint#1653, fixed by #1673 with `setEnabled`). A history scan lints tens
// of thousands of blobs: a generated 1,000-commit history took 17.2 s to scan with the profiler
// on and 0.8 s with it off, with the same findings.

let quieted: Promise<void> | undefined;

/** Turns secretlint's always-on profiler off for this process (idempotent). */
export function quietSecretlintProfiler(): Promise<void> {
  quieted ??= (async () => {
    const { secretLintProfiler } = await import("@secretlint/profiler");
    const profiler = secretLintProfiler as typeof secretLintProfiler & {
      setEnabled?: (enabled: boolean) => void;
    };
    if (typeof profiler.setEnabled === "function") profiler.setEnabled(false);
    else profiler.mark = () => {};
  })();
  return quieted;
}
