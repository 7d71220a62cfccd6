import { type ErrorDetails, ThreadworkError } from "../../domain/errors.ts";

/** The database broke a promise it should keep, or holds data we cannot read. */
export class StorageError extends ThreadworkError {
  constructor(message: string, details?: ErrorDetails) {
    super("storage_failed", message, { category: "system", details });
    this.name = "StorageError";
  }
}
