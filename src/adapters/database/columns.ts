import { timestamp } from "drizzle-orm/pg-core";

/** When a row was made, in the database's time. */
export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
/** When a row last changed, set by whoever changes it. */
export const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
