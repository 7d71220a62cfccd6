/**
 * `npm run config:schema`: writes `threadwork.config.schema.json`, the JSON Schema editors use
 * for `threadwork.config.json`, from the zod schema in src/config/config-file-schema.ts.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { configFileJsonSchema } from "./config/config-file-schema.ts";

const target = path.resolve(import.meta.dirname, "..", "threadwork.config.schema.json");
writeFileSync(target, `${JSON.stringify(configFileJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
