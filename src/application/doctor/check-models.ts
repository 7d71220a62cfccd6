import type { Config } from "../../config/config.ts";
import { ConfigurationError, errorMessage } from "../../domain/errors.ts";
import { formatModelRef } from "../../domain/model.ts";
import type { Logger } from "../../logger.ts";
import { prepareModels } from "../prepare-models.ts";
import { type DoctorCheck, ok, problem, warning } from "./doctor-check.ts";

/**
 * The provider keys work and every model is served: `prepareModels`, as start-up runs it.
 * What it only warns about at start (a models list that cannot be fetched) is a warning here.
 */
export async function checkModels(
  config: Config,
  options: { logger: Logger; warnings: () => string[]; timeoutMs?: number },
): Promise<DoctorCheck[]> {
  try {
    const prepared = await prepareModels(config, {
      logger: options.logger,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    const models = [prepared.models.supervisor, prepared.models.worker, prepared.models.strong].map(
      formatModelRef,
    );
    const warned = options.warnings();
    if (warned.length > 0) {
      return [
        warning(
          "Models",
          `could not be checked: ${warned.join("; ")}`,
          "check the provider's base URL and key; start-up will not stop for this",
        ),
      ];
    }
    return [ok("Models", `${[...new Set(models)].join(", ")} served and the keys accepted`)];
  } catch (error) {
    if (!(error instanceof ConfigurationError)) {
      return [problem("Models", errorMessage(error), "check the provider settings")];
    }
    return error.problems.map((text) =>
      problem("Models", text, "set the provider key and model variables named above (see .env.example)"),
    );
  }
}
