import { ThreadworkError } from "../../domain/errors.ts";

/** A set-up step that cannot go on; its message is the one line the user reads. */
export class SetupError extends ThreadworkError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { category: "user", cause });
    this.name = "SetupError";
  }
}
