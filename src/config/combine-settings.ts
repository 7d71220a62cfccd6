import type { PriceOverrides } from "../domain/pricing.ts";
import type { ParsedConfigFile } from "./config-file.ts";
import { jsonPath } from "./config-file-problems.ts";
import type { RepositoryConfig } from "./repository-config.ts";

/** The settings both the environment and the configuration file can give. */
export interface EnvironmentSettings {
  repositories: Array<{ name: string; url: string }>;
  defaultRepository: string | undefined;
  allowCommands: string[];
  prices: PriceOverrides | undefined;
  contextWindows: Record<string, number> | undefined;
}

export interface CombinedSettings {
  repositories: RepositoryConfig[];
  /** Where each repository is set, by name, for messages: `THREADWORK_REPOS entry "web"` or the file's path. */
  repositorySettings: Record<string, string>;
  defaultRepository: string | undefined;
  allowCommands: string[];
  priceOverrides: PriceOverrides;
  /** Context windows in tokens by `provider:model`, from the environment and the file. */
  contextWindows: Record<string, number>;
  problems: string[];
}

function inBoth(variable: string, file: string, filePath: string, what: string): string {
  return `${what} is set both by ${variable} and in ${file} (${filePath}); set it in one place`;
}

/**
 * Environment and file together. A setting given by both is refused, never silently
 * shadowed, unless both say the same: an allow-list or a repository URL that one place
 * overrides behind the other's back is how a deployment ends up running what nobody reviewed.
 */
export function combineSettings(
  environment: EnvironmentSettings,
  file: ParsedConfigFile | undefined,
): CombinedSettings {
  const settings = file?.settings;
  const name = file?.path ?? "";
  const problems: string[] = [];

  const fromFile: RepositoryConfig[] = Object.entries(settings?.repositories ?? {}).map(
    ([repositoryName, repository]) => ({ name: repositoryName, ...repository }),
  );
  const fileNames = new Set(fromFile.map((repository) => repository.name));
  for (const repository of environment.repositories) {
    if (fileNames.has(repository.name)) {
      problems.push(
        inBoth(
          "THREADWORK_REPOS",
          name,
          `repositories.${repository.name}`,
          `Repository "${repository.name}"`,
        ),
      );
    }
  }
  const repositories = [
    ...fromFile,
    ...environment.repositories.filter((repository) => !fileNames.has(repository.name)),
  ];
  const repositorySettings = Object.fromEntries(
    repositories.map((repository) => [
      repository.name,
      fileNames.has(repository.name)
        ? `${name}: ${jsonPath(["repositories", repository.name, "url"])}`
        : `THREADWORK_REPOS entry "${repository.name}"`,
    ]),
  );

  let defaultRepository = environment.defaultRepository;
  if (settings?.defaultRepository !== undefined) {
    if (defaultRepository !== undefined && defaultRepository !== settings.defaultRepository) {
      problems.push(inBoth("THREADWORK_DEFAULT_REPO", name, "defaultRepository", "The default repository"));
    }
    defaultRepository = settings.defaultRepository;
  }
  // A file that did not parse has its own problems: its repositories are unknown, not missing.
  const fileUnread = file !== undefined && settings === undefined;
  if (
    defaultRepository !== undefined &&
    !fileUnread &&
    !repositories.some((repository) => repository.name === defaultRepository)
  ) {
    const where =
      settings?.defaultRepository !== undefined ? `${name}: defaultRepository` : "THREADWORK_DEFAULT_REPO";
    const known = repositories.map((repository) => repository.name).join(", ") || "none";
    problems.push(
      `${where} names "${defaultRepository}", which ${settings ? `neither THREADWORK_REPOS nor ${name} lists` : "THREADWORK_REPOS does not list"} (known: ${known})`,
    );
  }

  let allowCommands = environment.allowCommands;
  if (settings?.allowCommands !== undefined) {
    const same = JSON.stringify(settings.allowCommands) === JSON.stringify(environment.allowCommands);
    if (environment.allowCommands.length > 0 && !same) {
      problems.push(inBoth("THREADWORK_ALLOW_COMMANDS", name, "allowCommands", "The command allow-list"));
    }
    allowCommands = settings.allowCommands;
  }

  const priceOverrides: PriceOverrides = { ...environment.prices };
  const contextWindows: Record<string, number> = { ...environment.contextWindows };
  for (const [model, modelSettings] of Object.entries(settings?.models ?? {})) {
    if (modelSettings.price) {
      if (environment.prices?.[model] !== undefined) {
        problems.push(inBoth("THREADWORK_PRICES", name, `models["${model}"].price`, `The price of ${model}`));
      }
      priceOverrides[model] = modelSettings.price;
    }
    if (modelSettings.contextWindowTokens !== undefined) {
      if (environment.contextWindows?.[model] !== undefined) {
        problems.push(
          inBoth(
            "THREADWORK_CONTEXT_WINDOWS",
            name,
            `models["${model}"].contextWindowTokens`,
            `The context window of ${model}`,
          ),
        );
      }
      contextWindows[model] = modelSettings.contextWindowTokens;
    }
  }

  return {
    repositories,
    repositorySettings,
    defaultRepository,
    allowCommands,
    priceOverrides,
    contextWindows,
    problems,
  };
}
