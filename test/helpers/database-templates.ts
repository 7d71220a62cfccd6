import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { pino } from "pino";
import { migrateDatabase, migrationsFolder } from "../../src/adapters/database/migrate.ts";
import { openDatabase, openMemoryDatabase } from "../../src/adapters/database/open-database.ts";
import { sleep } from "./sleep.ts";
import { scaled } from "./time-scale.ts";

/**
 * Migrated databases to copy, so a test's fresh database costs a copy instead of an initdb and every
 * migration. Both are named after the migrations and the PGlite version, so a changed migration
 * gets a new template; vitest's global set-up (this file's `setup`) builds them once per run.
 */

export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const silentLogger = pino({ level: "silent" });

function templateKey(): string {
  const hash = createHash("sha256");
  const pglitePackage = path.resolve(
    import.meta.dirname,
    "../../node_modules/@electric-sql/pglite/package.json",
  );
  hash.update(readFileSync(pglitePackage));
  const files = readdirSync(migrationsFolder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) hash.update(path.relative(migrationsFolder, file)).update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

const key = templateKey();
const templateFolder = path.join(tmpdir(), "threadwork-test-templates");
const pgliteTemplateFile = path.join(templateFolder, `pglite-${key}.tar`);
export const postgresTemplateName = `tw_template_${key}`;
/** The same migrated database as an on-disk PGlite data directory, for apps started as processes. */
const pgliteDirectoryTemplate = path.join(templateFolder, `pgdata-${key}`);

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function onServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

let pgliteTemplate: Promise<Blob | undefined> | undefined;

/** The migrated PGlite data directory as a tarball, or undefined when no run has built it. */
export function readPgliteTemplate(): Promise<Blob | undefined> {
  pgliteTemplate ??= readFile(pgliteTemplateFile).then(
    (bytes) => new Blob([bytes]),
    () => undefined,
  );
  return pgliteTemplate;
}

async function buildPgliteTemplate(): Promise<void> {
  if (await readPgliteTemplate()) return;
  const handle = await openMemoryDatabase({ logger: silentLogger });
  try {
    await migrateDatabase(handle);
    const dump = await handle.pglite?.dumpDataDir("none");
    if (!dump) throw new Error("PGlite dumped no data directory");
    await mkdir(templateFolder, { recursive: true });
    const partial = `${pgliteTemplateFile}.${randomBytes(4).toString("hex")}`;
    await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await rename(partial, pgliteTemplateFile);
  } finally {
    await handle.close();
  }
  pgliteTemplate = undefined;
}

async function buildPgliteDirectoryTemplate(): Promise<void> {
  if (await stat(path.join(pgliteDirectoryTemplate, "PG_VERSION")).catch(() => undefined)) return;
  const dump = await readPgliteTemplate();
  if (!dump) throw new Error("the PGlite template was not built");
  const building = `${pgliteDirectoryTemplate}.${randomBytes(4).toString("hex")}`;
  const pglite = await PGlite.create(building, { loadDataDir: dump });
  await pglite.close();
  try {
    await rename(building, pgliteDirectoryTemplate);
  } catch {
    // Another run finished the same template first.
    await rm(building, { recursive: true, force: true });
  }
}

/**
 * Gives an app started as a process (`npm start`, the chat) an embedded database that is already
 * created and migrated, as after its first start, so the test pays a copy instead of an initdb and
 * every migration. Tests of creating the database itself start from an empty directory instead.
 */
export async function seedEmbeddedDataDirectory(dataDirectory: string): Promise<void> {
  await mkdir(dataDirectory, { recursive: true });
  // A restarted app keeps the database it has.
  if (await stat(path.join(dataDirectory, "pgdata")).catch(() => undefined)) return;
  await cp(pgliteDirectoryTemplate, path.join(dataDirectory, "pgdata"), { recursive: true });
}

async function buildPostgresTemplate(): Promise<void> {
  const exists = await onServer((client) =>
    client.query("select 1 from pg_database where datname = $1", [postgresTemplateName]),
  );
  if (exists.rowCount) return;
  // Built under a name of its own and renamed when complete, so no one copies a half-migrated one.
  const building = `tw_building_${randomBytes(6).toString("hex")}`;
  await onServer((client) => client.query(`create database ${building}`));
  const handle = await openDatabase({
    url: databaseUrl(testDatabaseUrl, building),
    dataDir: "",
    logger: silentLogger,
  });
  try {
    await migrateDatabase(handle);
  } finally {
    await handle.close();
  }
  await onServer(async (client) => {
    try {
      await whileInUse(() => client.query(`alter database ${building} rename to ${postgresTemplateName}`));
    } catch (error) {
      if ((error as { code?: string }).code !== duplicateDatabase) throw error;
      // Another run finished the same template first.
      await client.query(`drop database if exists ${building} with (force)`);
    }
  });
}

const duplicateDatabase = "42P04";
const objectInUse = "55006";

/**
 * Runs `query` again while Postgres says another session still uses the database: a closed pool's
 * sessions end a moment after `end()` resolves.
 */
export async function whileInUse<T>(query: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + scaled(10_000);
  for (;;) {
    try {
      return await query();
    } catch (error) {
      if ((error as { code?: string }).code !== objectInUse || Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** vitest global set-up: both templates, before any test file runs. */
export async function setup(): Promise<void> {
  await Promise.all([buildPgliteTemplate().then(buildPgliteDirectoryTemplate), buildPostgresTemplate()]);
}
