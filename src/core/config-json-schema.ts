import { z } from "zod";
import { configSchema } from "./config.js";

/** The editor JSON Schema of `exec-intel.yaml`, as the exact text committed in schema/. */
export function configSchemaText(): string {
  const schema = z.toJSONSchema(configSchema, { io: "input", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, title: "exec-intel workspace configuration (exec-intel.yaml)" }, null, 2)}\n`;
}
