import { createProviders, type Providers } from "../adapters/providers/create-providers.ts";
import type { Config } from "../config/config.ts";
import { type ModelRole, modelRoles, modelVariables } from "../config/model-roles.ts";
import { displayUrl } from "../domain/display-url.ts";
import { ConfigurationError, errorMessage, ProviderError } from "../domain/errors.ts";
import { formatModelRef, type ModelRef, type ProviderName } from "../domain/model.ts";
import type { Logger } from "../logger.ts";

interface PrepareModelsOptions {
  logger: Logger;
  /** Per models list; default 10 s. */
  timeoutMs?: number;
  /** Defaults to the providers `config` describes. */
  providers?: Pick<Providers, "anthropic" | "openai">;
  /** Told of every models list that could not be fetched, with why (the doctor names the cause). */
  onListingFailure?: (provider: ProviderName, failure: ProviderError) => void;
}

type Listing = { served: string[] } | { failure: ProviderError } | { unlisted: true };

const keyVariables: Record<ProviderName, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
};

/** `supervisor anthropic:claude-sonnet-5-5`, …, for the ready line; strong only when it differs. */
export function describeModels(models: Config["models"]): string[] {
  const lines = [
    `supervisor ${formatModelRef(models.supervisor)}`,
    `worker ${formatModelRef(models.worker)}`,
  ];
  if (formatModelRef(models.strong) !== formatModelRef(models.supervisor)) {
    lines.push(`strong ${formatModelRef(models.strong)}`);
  }
  return lines;
}

/**
 * A configured name the list serves: exactly, as Ollama's `name:latest`, or as an alias of a
 * dated snapshot (`claude-sonnet-4-5` → `claude-sonnet-4-5-20250929`, `gpt-4o` → `gpt-4o-2024-08-06`).
 */
function isServed(model: string, served: readonly string[]): boolean {
  const stem = model.replace(/-latest$/, "");
  return served.some(
    (id) =>
      id === model ||
      id === `${model}:latest` ||
      (id.startsWith(`${stem}-`) && /^(\d{8}|\d{4}-\d{2}-\d{2})$/.test(id.slice(stem.length + 1))),
  );
}

function variablesOf(roles: readonly ModelRole[]): string {
  return roles.map((role) => modelVariables[role]).join(" and ");
}

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, 20).join(", ");
  return ids.length > 20 ? `${shown} and ${ids.length - 20} more` : shown;
}

/** A base URL as `displayUrl` shows it, without the trailing slash, for messages. */
function shownUrl(url: string): string {
  return displayUrl(url).replace(/\/$/, "");
}

function where(provider: ProviderName, config: Config): string {
  const baseUrl = provider === "openai" ? config.openai.baseUrl : config.anthropic.baseUrl;
  const variable = provider === "openai" ? "OPENAI_BASE_URL" : "ANTHROPIC_BASE_URL";
  if (baseUrl) return `the server at ${variable} (${shownUrl(baseUrl)})`;
  return provider === "openai" ? "OpenAI" : "Anthropic";
}

/** Each provider's models list, asked at most once; a failure is told to `onFailure` once. */
function modelListings(
  providers: Pick<Providers, "anthropic" | "openai">,
  timeoutMs: number,
  onFailure: PrepareModelsOptions["onListingFailure"],
): (name: ProviderName) => Promise<Listing> {
  const listings = new Map<ProviderName, Promise<Listing>>();
  const fetchListing = (name: ProviderName): Promise<Listing> => {
    const provider = providers[name];
    if (!provider?.listModels) return Promise.resolve({ unlisted: true });
    return provider
      .listModels({ timeoutMs })
      .then(
        (ids): Listing => ({ served: [...new Set(ids)] }),
        (error: unknown): Listing => ({
          failure:
            error instanceof ProviderError
              ? error
              : new ProviderError(errorMessage(error), { retryable: false, provider: name }),
        }),
      )
      .then((result) => {
        if ("failure" in result) onFailure?.(name, result.failure);
        return result;
      });
  };
  return (name) => {
    let listing = listings.get(name);
    if (!listing) {
      listing = fetchListing(name);
      listings.set(name, listing);
    }
    return listing;
  };
}

/**
 * Settles the models before anything starts. With `OPENAI_BASE_URL` and no model named, the
 * local server's own model is used when it serves exactly one. Then every model is checked
 * against its provider's models list: an unknown one, or a refused key, fails start with a
 * message naming the setting. A list that cannot be fetched is a warning, except when it was
 * needed to choose a model.
 */
export async function prepareModels(config: Config, options: PrepareModelsOptions): Promise<Config> {
  const providers = options.providers ?? createProviders(config, { logger: options.logger });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const listingOf = modelListings(providers, timeoutMs, options.onListingFailure);

  const problems: string[] = [];
  const models = { ...config.models };
  const unset = new Set(config.unsetModels);
  const chosen = await chooseLocalModels(config, models, listingOf, problems);
  if (unset.has("strong")) models.strong = models.supervisor;

  // Roles that share a model are checked, and reported, together.
  const groups = new Map<string, ModelRole[]>();
  for (const role of modelRoles) {
    // An unset strong role follows the supervisor; a role the local server left open is reported already.
    if ((role === "strong" && unset.has("strong")) || chosen.open.includes(role)) continue;
    const key = formatModelRef(models[role]);
    groups.set(key, [...(groups.get(key) ?? []), role]);
  }
  const reported = new Set<ProviderName>();
  for (const [name, roles] of groups) {
    const ref = models[roles[0] ?? "supervisor"];
    const listing = await listingOf(ref.provider);
    if ("failure" in listing) {
      // The local server's failure was reported when choosing its model.
      if (reported.has(ref.provider) || (ref.provider === "openai" && chosen.open.length > 0)) continue;
      reported.add(ref.provider);
      const key = keyVariables[ref.provider];
      const keySet = Boolean(ref.provider === "openai" ? config.openai.apiKey : config.anthropic.apiKey);
      if (listing.failure.status === 401) {
        problems.push(
          `${where(ref.provider, config)} refused ${key}${keySet ? "" : " (unset)"} when listing models: ${listing.failure.message}`,
        );
      } else {
        options.logger.warn(
          { provider: ref.provider, error: listing.failure.message },
          "could not check the configured models; starting without the check",
        );
      }
      continue;
    }
    if (!("served" in listing) || isServed(ref.model, listing.served)) continue;
    const named = roles.filter((role) => !unset.has(role));
    const served =
      listing.served.length === 0
        ? "it serves no models"
        : `it serves ${listed(listing.served.map((id) => `${ref.provider}:${id}`))}`;
    const what =
      named.length > 0
        ? `${variablesOf(named)} ${named.length > 1 ? "name" : "names"} ${name}, which ${where(ref.provider, config)} does not serve`
        : `The default ${roles.join(" and ")} model ${name} is not served by ${where(ref.provider, config)}`;
    problems.push(`${what} (${served}); set ${variablesOf(roles)} to a model it serves`);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return { ...config, models };
}

/**
 * With `OPENAI_BASE_URL` set and no model named for a role, that role uses the provider's
 * default when the server serves it, or else the server's only model.
 */
async function chooseLocalModels(
  config: Config,
  models: Config["models"],
  listingOf: (name: ProviderName) => Promise<Listing>,
  problems: string[],
): Promise<{ open: ModelRole[] }> {
  const roles = config.unsetModels.filter(
    (role): role is Exclude<ModelRole, "strong"> => role !== "strong" && models[role].provider === "openai",
  );
  if (!config.openai.baseUrl || roles.length === 0) return { open: [] };
  const variables = variablesOf(roles);
  const listing = await listingOf("openai");
  if (!("served" in listing)) {
    const reason = "failure" in listing ? listing.failure.message : "the provider cannot list models";
    problems.push(
      `No model is named and the models of ${where("openai", config)} could not be listed (${reason}): set ${variables}, e.g. openai:qwen3`,
    );
    return { open: roles };
  }
  const served = listing.served;
  const undecided = roles.filter((role) => !isServed(models[role].model, served));
  if (undecided.length === 0) return { open: [] };
  const only = served.length === 1 ? served[0] : undefined;
  if (only !== undefined) {
    for (const role of undecided) models[role] = { provider: "openai", model: only } satisfies ModelRef;
    return { open: [] };
  }
  const needed = variablesOf(undecided);
  problems.push(
    served.length === 0
      ? `${where("openai", config)} serves no models: load one, or set ${needed}`
      : `${where("openai", config)} serves ${served.length} models (${listed(served)}), so Threadwork cannot choose: set ${needed} to one of them, e.g. openai:${served[0]}`,
  );
  return { open: undecided };
}
