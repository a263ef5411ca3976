import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { type Problem, problem } from "../../core/errors.js";
import { type DecodeResult, decodeText } from "./text-decoding.js";

/** Reads and strictly decodes a workspace file; a missing or unreadable file is a problem, not a crash. */
export async function readWorkspaceText(
  workspace: string,
  relative: string,
  encoding: "utf8" | "latin1" = "utf8",
): Promise<DecodeResult> {
  const file = toPosix(relative);
  try {
    const bytes = await readFile(path.resolve(workspace, relative));
    return decodeText(bytes, encoding, file);
  } catch (error) {
    return { text: undefined, problems: [fileProblem(error, file)] };
  }
}

/** Lists `*.ext` files of a workspace folder, sorted, as workspace-relative paths. */
export async function listWorkspaceFiles(
  workspace: string,
  relativeDir: string,
  extension: string,
): Promise<{ files: string[]; problems: Problem[] }> {
  try {
    const names = await readdir(path.resolve(workspace, relativeDir));
    const files = names.filter((n) => n.endsWith(extension) && !n.startsWith(".")).sort();
    return { files: files.map((n) => toPosix(path.join(relativeDir, n))), problems: [] };
  } catch (error) {
    return { files: [], problems: [fileProblem(error, toPosix(relativeDir))] };
  }
}

function fileProblem(error: unknown, file: string): Problem {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT")
    return problem(
      file,
      undefined,
      "file or folder does not exist",
      "check the source's path (it is relative to the workspace folder)",
    );
  if (code === "EISDIR")
    return problem(
      file,
      undefined,
      "expected a file but found a folder",
      "point the source's path at a file",
    );
  if (code === "ENOTDIR")
    return problem(
      file,
      undefined,
      "expected a folder but found a file",
      "point the source's path at a folder",
    );
  if (code === "EACCES")
    return problem(
      file,
      undefined,
      "permission denied",
      "make the file readable by the user running exec-intel",
    );
  return problem(
    file,
    undefined,
    `cannot read: ${(error as Error).message}`,
    "check the path and permissions",
  );
}

/** Workspace-relative paths are shown with forward slashes on every OS. */
export function toPosix(p: string): string {
  return p.split(path.sep).join("/").replace(/^\.\//, "");
}
