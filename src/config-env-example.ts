/**
 * `npm run config:env-example`: writes `.env.example` from the table of variables in
 * src/config/environment-variables.ts, the same table `--help` prints.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { renderEnvExample } from "./config/settings-text.ts";

const target = path.resolve(import.meta.dirname, "..", ".env.example");
writeFileSync(target, renderEnvExample());
process.stdout.write(`wrote ${target}\n`);
