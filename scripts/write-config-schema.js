// Writes schema/exec-intel.schema.json from the same zod schema the CLI validates with.
import { writeFileSync } from "node:fs";
import { configSchemaText } from "../dist/core/config-json-schema.js";

writeFileSync(new URL("../schema/exec-intel.schema.json", import.meta.url), configSchemaText());
process.stdout.write("wrote schema/exec-intel.schema.json\n");
