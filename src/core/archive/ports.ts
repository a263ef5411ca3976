// The archive port: a place where every report a run produced is kept, create-only, so that what
// was sent can be found later and shown not to have changed.

/** One object to archive under a key relative to the archive's root (its prefix). */
export interface ArchiveObject {
  key: string;
  body: Uint8Array;
  contentType: string;
}

/** What a create-only write did: wrote the object, or found the key taken and wrote nothing. */
export type PutOutcome = "created" | "exists";

/** Where archived objects live: a local folder or an S3 bucket and prefix. Never overwrites. */
export interface Archive {
  readonly driver: "fs" | "s3";
  /** The archive root as a person would type it: a folder path or `s3://bucket/prefix/`. */
  readonly location: string;
  /** Creates `key`; resolves "exists" without writing when the key is already taken. */
  putIfAbsent(object: ArchiveObject): Promise<PutOutcome>;
  /** The object's bytes, or undefined when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Every key that starts with `prefix` (relative to the root), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Where one key lives, for people: a file path or an `s3://` URI. */
  uri(key: string): string;
}

/** Thrown for a key that could escape the archive root or is not a plain relative path. */
export class ArchiveKeyError extends Error {
  override readonly name = "ArchiveKeyError";
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Returns the key when it is `a/b/c` of safe segments (no `..`, no leading slash); throws otherwise. */
export function checkArchiveKey(key: string): string {
  const segments = key.split("/");
  if (!segments.every((s) => SEGMENT.test(s) && !s.includes(".."))) {
    throw new ArchiveKeyError(
      `archive key ${JSON.stringify(key)} must be slash-separated names of letters, digits, ".", "_" and "-"`,
    );
  }
  return key;
}
