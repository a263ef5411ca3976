import path from "node:path";

/** A failure of the environment, said in one sentence with what to do and the exit code. */
export interface ExplainedFailure {
  message: string;
  hint: string;
  exitCode: number;
}

// What every run guarantees, whichever step failed: said once so each hint can end with it.
const SAFE =
  "files are written whole or not at all, and the delivery ledger sends only what is still pending, so running again is safe";

const DISK_FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
const AWS_REFUSED = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
  "InvalidClientTokenId",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "UnrecognizedClientException",
  "AccessDenied",
  "AccessDeniedException",
  "InvalidToken",
]);

/**
 * Says what an error from the machine or a service means for the person running the command:
 * a full disk, a file they cannot read, a server that does not answer, credentials AWS refused.
 * Anything else is not explained here (undefined): it is a bug, and reported as one.
 */
export function explainFailure(error: unknown): ExplainedFailure | undefined {
  // An adapter that adds context keeps the original as `cause`: the explanation is in the chain.
  for (let link = error, depth = 0; link instanceof Error && depth < 5; depth += 1) {
    const explained = explainOne(link);
    if (explained !== undefined) return explained;
    link = link.cause;
  }
  return undefined;
}

function explainOne(error: Error): ExplainedFailure | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  const file = (error as NodeJS.ErrnoException).path;
  const where = file !== undefined ? shortPath(file) : "a file";
  if (code !== undefined && DISK_FULL.has(code)) {
    return {
      message: `no space left to write ${where} (${code})`,
      hint: `free some space, or point stateDir or the archive at a bigger disk, then run again; ${SAFE}`,
      exitCode: 1,
    };
  }
  if (code !== undefined && /^SQLITE_(FULL|IOERR)/.test(code)) {
    return {
      message: /^SQLITE_(FULL|IOERR_WRITE)$/.test(code)
        ? `no space left to write the state database (${code})`
        : `the state database could not be written (${code}): the disk may be full or failing`,
      hint: `free some space, or point stateDir at a bigger disk, then run again; ${SAFE}`,
      exitCode: 1,
    };
  }
  if (code !== undefined && /^SQLITE_(READONLY|CANTOPEN|PERM)/.test(code)) {
    return {
      message: `the state database cannot be opened for writing (${code})`,
      hint: "let the user running exec-intel write to the state folder (stateDir), then run again",
      exitCode: 1,
    };
  }
  if (code === "EROFS") {
    return {
      message: `${where} is on a read-only file system`,
      hint: "point stateDir (exec-intel.yaml) at a writable folder, then run again",
      exitCode: 1,
    };
  }
  if (code === "EACCES" || code === "EPERM") {
    return {
      message: `permission denied: ${where}`,
      hint: `let the user running exec-intel read it (and write it, for the state folder), e.g. chmod u+rw ${where}, then run again`,
      exitCode: 2,
    };
  }
  if ((code === "EISDIR" || code === "ENOTDIR" || code === "ENOENT") && file !== undefined) {
    const what =
      code === "EISDIR"
        ? "is a folder where a file was expected"
        : code === "ENOTDIR"
          ? "has a file where a folder was expected"
          : "does not exist";
    return {
      message: `${where} ${what}`,
      hint: "fix the path in exec-intel.yaml (paths are relative to the workspace folder)",
      exitCode: 2,
    };
  }
  if (code === "EADDRINUSE" || code === "EADDRNOTAVAIL") {
    const { address, port } = error as { address?: string; port?: number };
    return {
      message:
        code === "EADDRINUSE"
          ? `port ${port ?? "?"} on ${address ?? "this machine"} is already in use`
          : `${address ?? "the address"} is not an address of this machine`,
      hint: "choose another with --port (0 picks a free one) or --host, or stop what is using it",
      exitCode: 2,
    };
  }
  if (code === "EMFILE" || code === "ENFILE") {
    return {
      message: "too many open files",
      hint: `raise the limit (ulimit -n 4096) and run again; ${SAFE}`,
      exitCode: 1,
    };
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    const address = (error as { address?: string; hostname?: string; port?: number }).address;
    const host = address ?? (error as { hostname?: string }).hostname;
    const port = (error as { port?: number }).port;
    return {
      message: `cannot reach ${host !== undefined ? `${host}${port !== undefined ? `:${port}` : ""}` : "a server"} (${code})`,
      hint: `check the host and port in exec-intel.yaml and that the service is up, then run again; ${SAFE}`,
      exitCode: 1,
    };
  }
  if (AWS_REFUSED.has(error.name) || AWS_REFUSED.has(code ?? "")) {
    return {
      message: `AWS refused the credentials: ${error.name}: ${error.message}`,
      hint: `refresh them (aws sso login, or new keys in the environment or .env) and run again; ${SAFE}`,
      exitCode: 1,
    };
  }
  if (error.name === "CredentialsProviderError") {
    return {
      message: `no AWS credentials found: ${error.message}`,
      hint: "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, in the environment or the workspace's .env (docs/transports.md)",
      exitCode: 2,
    };
  }
  return undefined;
}

/** A path as the person typed it would look: relative to where they are, when inside it. */
function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)
    ? relative
    : file;
}
