/**
 * Child of `initialise-data-directory.ts`: runs PGlite's initdb, the migrations and pg-boss's schema in the
 * directory it is given, then exits, taking the memory both peak at with it.
 */
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { getConstructionPlans } from "pg-boss";
import { migrationsFolder } from "./migrate.ts";

const directory = process.argv[2];
if (!directory) throw new Error("usage: initialise-data-directory-process.ts <directory>");
const pglite = await PGlite.create(directory);
await migrate(drizzle({ client: pglite }), { migrationsFolder });
// pg-boss would otherwise create its schema on its first start, in the app.
await pglite.exec(getConstructionPlans());
await pglite.close();
process.exit(0);
