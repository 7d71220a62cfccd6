import type { Config } from "../../config/config.ts";
import { displayUrl } from "../../domain/display-url.ts";
import { ConfigurationError, errorMessage, type ProviderError } from "../../domain/errors.ts";
import { formatModelRef, type ProviderName } from "../../domain/model.ts";
import type { Logger } from "../../logger.ts";
import { prepareModels } from "../prepare-models.ts";
import { type DoctorCheck, ok, problem, warning } from "./doctor-check.ts";
import { modelListingFix } from "./model-listing-advice.ts";

/**
 * The provider keys work and every model is served: `prepareModels`, as start-up runs it.
 * What it only warns about at start (a models list that cannot be fetched) is a warning here.
 */
export async function checkModels(
  config: Config,
  options: { logger: Logger; warnings: () => string[]; timeoutMs?: number },
): Promise<DoctorCheck[]> {
  const failures = new Map<ProviderName, ProviderError>();
  const fixes = () =>
    [...failures].map(([provider, failure]) => {
      const baseUrl = provider === "openai" ? config.openai.baseUrl : config.anthropic.baseUrl;
      return modelListingFix(failure, {
        provider,
        shownBaseUrl: baseUrl ? displayUrl(baseUrl).replace(/\/$/, "") : undefined,
      });
    });
  try {
    const prepared = await prepareModels(config, {
      logger: options.logger,
      onListingFailure: (provider, failure) => failures.set(provider, failure),
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
          fixes().join("; ") || "check the provider's base URL and key; start-up will not stop for this",
        ),
      ];
    }
    return [ok("Models", `${[...new Set(models)].join(", ")} served and the keys accepted`)];
  } catch (error) {
    if (!(error instanceof ConfigurationError)) {
      return [problem("Models", errorMessage(error), "check the provider settings")];
    }
    // A list that could not be fetched is the cause of what follows from it (no model chosen).
    const cause = fixes().join("; ");
    return error.problems.map((text) =>
      problem(
        "Models",
        text,
        (/could not be listed|refused/.test(text) && cause) ||
          "set the provider key and model variables named above (see .env.example)",
      ),
    );
  }
}
