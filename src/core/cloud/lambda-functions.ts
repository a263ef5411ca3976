import { z } from "zod";
import type { CloudFunction } from "../model/index.js";
import { type EntityOf, functionKey, withEntity } from "./entity-assignment.js";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape } from "./json-shape.js";
import { secretLikeEnvNames } from "./secret-env-names.js";
import { SNAPSHOT } from "./snapshot-files.js";

const functionsSchema = z.object({
  Functions: z.array(
    z.object({
      FunctionName: z.string().min(1),
      // Absent for functions deployed as container images.
      Runtime: z.string().optional(),
      PackageType: z.string().optional(),
      MemorySize: z.number().int().positive().optional(),
      Environment: z
        .object({
          // Values are typed unknown on purpose: they are never read, checked or reported.
          Variables: z.record(z.string(), z.unknown()).optional(),
        })
        .optional(),
    }),
  ),
});

/** The API's memory size when none is set. */
const DEFAULT_MEMORY_MB = 128;

/**
 * Functions from `aws lambda list-functions`: runtime, memory and the NAMES of environment
 * variables that look like secrets. Values are dropped here and never reach the model.
 */
export function parseFunctions(
  document: JsonDocument,
  entityOf: EntityOf,
): Parsed<CloudFunction[]> {
  const { value, problems } = readShape(document, functionsSchema, SNAPSHOT.functions.command);
  const functions = (value?.Functions ?? []).map(
    (fn): CloudFunction => ({
      name: fn.FunctionName,
      ...withEntity(entityOf(functionKey(fn.FunctionName))),
      runtime: fn.Runtime ?? (fn.PackageType === "Image" ? "container-image" : "unknown"),
      memoryMb: fn.MemorySize ?? DEFAULT_MEMORY_MB,
      secretLikeEnvNames: secretLikeEnvNames(Object.keys(fn.Environment?.Variables ?? {})),
    }),
  );
  return { value: functions, problems };
}
