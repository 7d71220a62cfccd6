/** Child of `initialise-data-directory.ts`: runs PGlite's initdb in the directory it is given, then exits. */
import { PGlite } from "@electric-sql/pglite";

const directory = process.argv[2];
if (!directory) throw new Error("usage: initialise-data-directory-process.ts <directory>");
const pglite = await PGlite.create(directory);
await pglite.close();
process.exit(0);
