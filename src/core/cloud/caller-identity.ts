import { z } from "zod";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const callerIdentitySchema = z.object({
  Account: z.string().regex(/^\d{12}$/, "an AWS account id is 12 digits"),
});

/** The account id from `aws sts get-caller-identity`; undefined when the file is malformed. */
export function parseCallerIdentity(document: JsonDocument): Parsed<string | undefined> {
  const { value, problems } = readShape(
    document,
    callerIdentitySchema,
    SNAPSHOT.callerIdentity.command,
  );
  return { value: value?.Account, problems };
}
