/** One thing wrong with the user's input, located precisely enough to fix it. */
export interface Problem {
  /** Workspace-relative path of the file at fault. */
  file: string;
  /** 1-based line, when the problem is tied to a line. */
  line?: number;
  /** 1-based column, when it applies. */
  column?: number;
  /** What is wrong, in one sentence. */
  message: string;
  /** What to do about it. */
  hint?: string;
  /** Warnings are reported but do not stop a run (e.g. rows skipped by `onBadRow: skip`). */
  severity: "error" | "warning";
}

/** Bad configuration or data supplied by the user: every problem found, so all can be fixed at once. */
export class InputError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], options?: { cause?: unknown }) {
    const errors = problems.filter((p) => p.severity === "error");
    super(
      `${errors.length} problem${errors.length === 1 ? "" : "s"} in the workspace input`,
      options,
    );
    this.name = "InputError";
    this.problems = sortProblems(problems);
  }
}

/** A fault of exec-intel itself or its environment, not of the user's input. */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InternalError";
  }
}

/** The person stopped the command (Ctrl-C); the message says what was kept and what was not. */
export class InterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InterruptedError";
  }
}

/** Builds an error-severity problem. */
export function problem(
  file: string,
  line: number | undefined,
  message: string,
  hint?: string,
  column?: number,
): Problem {
  return dropUndefined({ file, line, column, message, hint, severity: "error" as const });
}

/** Builds a warning-severity problem. */
export function warning(
  file: string,
  line: number | undefined,
  message: string,
  hint?: string,
): Problem {
  return dropUndefined({ file, line, message, hint, severity: "warning" as const });
}

/** True when at least one problem stops the run. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

/** Formats a problem as `file:line:col: error: message` plus an indented hint, compiler style. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined]
    .filter((part) => part !== undefined)
    .join(":");
  const head = `${where}: ${p.severity}: ${p.message}`;
  return p.hint ? `${head}\n    hint: ${p.hint}` : head;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Orders problems by file, then line, then column, keeping the original order otherwise. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}
