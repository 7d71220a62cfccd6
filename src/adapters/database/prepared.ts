import type { Database } from "./open-database.ts";

/**
 * A statement built once per database handle instead of on every call: the hot reads of a
 * step skip query building, and on Postgres a named statement is parsed once per connection.
 */
export function preparedPerDatabase<T>(build: (db: Database) => T): (db: Database) => T {
  const statements = new WeakMap<Database, T>();
  return (db) => {
    let statement = statements.get(db);
    if (!statement) {
      statement = build(db);
      statements.set(db, statement);
    }
    return statement;
  };
}
