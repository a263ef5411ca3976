import type { Io } from "./cli.js";

/** What the global flags ask of the output. */
export interface OutputShape {
  /** Errors only (and the document --json asked for). */
  quiet: boolean;
  /** The command prints JSON on stdout: that stays, whatever else is silenced. */
  json: boolean;
  color: boolean;
}

/**
 * Colours are for a person at a terminal: never into a pipe or a file, never when NO_COLOR is set
 * to anything (https://no-color.org), never on a dumb terminal.
 */
export function colourWanted(terminal: Pick<Io, "isTty" | "env">): boolean {
  const noColor = terminal.env.NO_COLOR;
  return (
    terminal.isTty && (noColor === undefined || noColor === "") && terminal.env.TERM !== "dumb"
  );
}

/** Rewires `io` from the terminal's edges for the global flags. */
export function shapeOutput(io: Io, terminal: Io, shape: OutputShape): void {
  io.stderr = shape.color ? (text) => terminal.stderr(colourise(text)) : terminal.stderr;
  if (shape.quiet) {
    io.quiet = true;
    // Progress lines are for a terminal, and --quiet asked for silence there too.
    io.isTty = false;
    io.stdout = shape.json ? terminal.stdout : () => {};
  }
}

// SGR codes written here rather than through util.styleText: styleText checks process.stdout
// itself and drops single colours when stdout is redirected, while these lines go to stderr and
// colourWanted has already decided for it.
const SGR = { bold: [1, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] };
type Style = keyof typeof SGR;

function styleText(styles: Style | Style[], text: string): string {
  const list = Array.isArray(styles) ? styles : [styles];
  return list.reduce(
    (out, style) => `\u001b[${SGR[style][0]}m${out}\u001b[${SGR[style][1]}m`,
    text,
  );
}

/** Marks the words a reader scans for: error and warning labels, hints, the gate's verdict. */
export function colourise(text: string): string {
  return text
    .split("\n")
    .map((line) =>
      line
        .replace(
          /^((?:\S.*?: )?)(error|internal error)(:)/,
          (_, at, word, colon) => `${at}${styleText(["bold", "red"], word)}${colon}`,
        )
        .replace(
          /^((?:\S.*?: )?)(warning)(:)/,
          (_, at, word, colon) => `${at}${styleText(["bold", "yellow"], word)}${colon}`,
        )
        .replace(/^(\s+hint:)(.*)$/, (_, label, rest) => `${styleText("cyan", label)}${rest}`)
        .replace(/^gate: passed/, () => `gate: ${styleText(["bold", "green"], "passed")}`)
        .replace(/^gate: blocked/, () => `gate: ${styleText(["bold", "red"], "blocked")}`)
        .replace(/^interrupted:/, () => styleText(["bold", "yellow"], "interrupted:")),
    )
    .join("\n");
}
