// Writes schema/exec-intel.schema.json from the same zod schema the CLI validates with, and the
// configuration reference docs/configuration.md from that schema and the reference portfolio.
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { configSchemaText } from "../dist/core/config-json-schema.js";
import { configReferenceText } from "../dist/core/config-reference.js";

const schema = configSchemaText();
writeFileSync(new URL("../schema/exec-intel.schema.json", import.meta.url), schema);
process.stdout.write("wrote schema/exec-intel.schema.json\n");
const example = parse(
  readFileSync(new URL("../examples/portfolio/exec-intel.yaml", import.meta.url), "utf8"),
);
writeFileSync(
  new URL("../docs/configuration.md", import.meta.url),
  configReferenceText(JSON.parse(schema), example),
);
process.stdout.write("wrote docs/configuration.md\n");
