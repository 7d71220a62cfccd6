import type { PriceOverrides } from "../domain/pricing.ts";
import type { ParsedConfigFile } from "./config-file.ts";
import { jsonPath } from "./config-file-problems.ts";
import type { ConfigFileSettings } from "./config-file-schema.ts";
import type { RepositoryConfig } from "./repository-config.ts";

/** The settings both the environment and the configuration file can give. */
interface EnvironmentSettings {
  repositories: Array<{ name: string; url: string }>;
  defaultRepository: string | undefined;
  allowCommands: string[];
  prices: PriceOverrides | undefined;
  contextWindows: Record<string, number> | undefined;
  imageModels?: Record<string, boolean> | undefined;
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
  /** Whether each model is shown images, by `provider:model`, from the environment and the file. */
  imageModels: Record<string, boolean>;
  problems: string[];
}

function inBoth(variable: string, file: string, filePath: string, what: string): string {
  return `${what} is set both by ${variable} and in ${file} (${filePath}); set it in one place`;
}

/** The file's settings and its path, for messages; `unread` when the file did not parse. */
interface FileSide {
  settings: ConfigFileSettings | undefined;
  name: string;
  unread: boolean;
}

function combineRepositories(environment: EnvironmentSettings, file: FileSide, problems: string[]) {
  // A repository's MCP servers go to `config.mcp` (mcp-servers-from-file.ts), not to its workspace settings.
  const fromFile: RepositoryConfig[] = Object.entries(file.settings?.repositories ?? {}).map(
    ([repositoryName, { mcpServers: _servers, ...repository }]) => ({ name: repositoryName, ...repository }),
  );
  const fileNames = new Set(fromFile.map((repository) => repository.name));
  for (const repository of environment.repositories) {
    if (fileNames.has(repository.name)) {
      problems.push(
        inBoth(
          "THREADWORK_REPOS",
          file.name,
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
        ? `${file.name}: ${jsonPath(["repositories", repository.name, "url"])}`
        : `THREADWORK_REPOS entry "${repository.name}"`,
    ]),
  );
  return { repositories, repositorySettings };
}

function combineDefaultRepository(
  environment: EnvironmentSettings,
  file: FileSide,
  repositories: RepositoryConfig[],
  problems: string[],
): string | undefined {
  const { settings, name } = file;
  let defaultRepository = environment.defaultRepository;
  if (settings?.defaultRepository !== undefined) {
    if (defaultRepository !== undefined && defaultRepository !== settings.defaultRepository) {
      problems.push(inBoth("THREADWORK_DEFAULT_REPO", name, "defaultRepository", "The default repository"));
    }
    defaultRepository = settings.defaultRepository;
  }
  // A file that did not parse has its own problems: its repositories are unknown, not missing.
  if (
    defaultRepository !== undefined &&
    !file.unread &&
    !repositories.some((repository) => repository.name === defaultRepository)
  ) {
    const where =
      settings?.defaultRepository !== undefined ? `${name}: defaultRepository` : "THREADWORK_DEFAULT_REPO";
    const known = repositories.map((repository) => repository.name).join(", ") || "none";
    problems.push(
      `${where} names "${defaultRepository}", which ${settings ? `neither THREADWORK_REPOS nor ${name} lists` : "THREADWORK_REPOS does not list"} (known: ${known})`,
    );
  }
  return defaultRepository;
}

function combineAllowCommands(
  environment: EnvironmentSettings,
  file: FileSide,
  problems: string[],
): string[] {
  const fromFile = file.settings?.allowCommands;
  if (fromFile === undefined) return environment.allowCommands;
  const same = JSON.stringify(fromFile) === JSON.stringify(environment.allowCommands);
  if (environment.allowCommands.length > 0 && !same) {
    problems.push(inBoth("THREADWORK_ALLOW_COMMANDS", file.name, "allowCommands", "The command allow-list"));
  }
  return fromFile;
}

function combineModelSettings(environment: EnvironmentSettings, file: FileSide, problems: string[]) {
  const priceOverrides: PriceOverrides = { ...environment.prices };
  const contextWindows: Record<string, number> = { ...environment.contextWindows };
  const imageModels: Record<string, boolean> = { ...environment.imageModels };
  for (const [model, modelSettings] of Object.entries(file.settings?.models ?? {})) {
    if (modelSettings.price) {
      if (environment.prices?.[model] !== undefined) {
        problems.push(
          inBoth("THREADWORK_PRICES", file.name, `models["${model}"].price`, `The price of ${model}`),
        );
      }
      priceOverrides[model] = modelSettings.price;
    }
    if (modelSettings.contextWindowTokens !== undefined) {
      if (environment.contextWindows?.[model] !== undefined) {
        problems.push(
          inBoth(
            "THREADWORK_CONTEXT_WINDOWS",
            file.name,
            `models["${model}"].contextWindowTokens`,
            `The context window of ${model}`,
          ),
        );
      }
      contextWindows[model] = modelSettings.contextWindowTokens;
    }
    if (modelSettings.images !== undefined) {
      if (environment.imageModels?.[model] !== undefined) {
        problems.push(
          inBoth(
            "THREADWORK_IMAGE_MODELS",
            file.name,
            `models["${model}"].images`,
            `Whether ${model} sees images`,
          ),
        );
      }
      imageModels[model] = modelSettings.images;
    }
  }
  return { priceOverrides, contextWindows, imageModels };
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
  const side: FileSide = {
    settings: file?.settings,
    name: file?.path ?? "",
    unread: file !== undefined && file.settings === undefined,
  };
  const problems: string[] = [];
  const { repositories, repositorySettings } = combineRepositories(environment, side, problems);
  const defaultRepository = combineDefaultRepository(environment, side, repositories, problems);
  const allowCommands = combineAllowCommands(environment, side, problems);
  const { priceOverrides, contextWindows, imageModels } = combineModelSettings(environment, side, problems);
  return {
    repositories,
    repositorySettings,
    defaultRepository,
    allowCommands,
    priceOverrides,
    contextWindows,
    imageModels,
    problems,
  };
}
