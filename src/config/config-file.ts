import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describeIssues, secretShapedValues } from "./config-file-problems.ts";
import { type ConfigFileSettings, configFileSchema } from "./config-file-schema.ts";

const defaultConfigFileName = "threadwork.config.json";

/** The configuration file as read: its text, or why it could not be read. */
export type ConfigFileSource = { path: string; text: string } | { path: string; problem: string };

/**
 * Finds the configuration file: `THREADWORK_CONFIG` when set (it must exist), otherwise
 * `threadwork.config.json` in the working directory when there is one. `undefined`: no file.
 */
export function readConfigFile(
  environment: Record<string, string | undefined>,
  workingDirectory: string,
): ConfigFileSource | undefined {
  const named = environment.THREADWORK_CONFIG?.trim();
  const location = path.resolve(workingDirectory, named || defaultConfigFileName);
  if (!named && !existsSync(location)) return undefined;
  try {
    return { path: location, text: readFileSync(location, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`;
    return { path: location, problem: `THREADWORK_CONFIG names ${location}, which ${reason}` };
  }
}

export interface ParsedConfigFile {
  path: string;
  settings: ConfigFileSettings | undefined;
  problems: string[];
}

/** Parses and validates the file; relative repository paths become relative to the file's directory. */
export function parseConfigFile(source: ConfigFileSource): ParsedConfigFile {
  if ("problem" in source) return { path: source.path, settings: undefined, problems: [source.problem] };
  let data: unknown;
  try {
    data = JSON.parse(source.text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      path: source.path,
      settings: undefined,
      problems: [`${source.path}: is not valid JSON: ${reason}`],
    };
  }
  const secretPaths = secretShapedValues(data);
  const secrets = secretPaths.map(
    (where) =>
      `${source.path}: ${where} looks like a secret: secrets are never read from this file; set them in the environment${isInMcpServer(where) ? " and write ${NAME} here" : ""}`,
  );
  const parsed = configFileSchema.safeParse(data);
  if (!parsed.success) {
    // A value already refused as a secret needs no second message about its shape.
    const others = describeIssues(source.path, data, parsed.error.issues).filter(
      (problem) => !secretPaths.some((where) => problem.startsWith(`${source.path}: ${where} `)),
    );
    return { path: source.path, settings: undefined, problems: [...new Set([...secrets, ...others])] };
  }
  if (secrets.length > 0) return { path: source.path, settings: undefined, problems: secrets };
  return { path: source.path, settings: resolvePaths(parsed.data, path.dirname(source.path)), problems: [] };
}

/** Whether a JSON path is inside an MCP server's entry, where `${NAME}` names a variable. */
function isInMcpServer(where: string): boolean {
  return where.startsWith("mcpServers") || /^repositories(\.[^.[]+|\["[^"]*"\])\.mcpServers/.test(where);
}

function resolvePaths(settings: ConfigFileSettings, directory: string): ConfigFileSettings {
  if (!settings.repositories) return settings;
  const repositories = Object.fromEntries(
    Object.entries(settings.repositories).map(([name, repository]) => {
      const isPath = !/^[a-z][a-z0-9+.-]*:\/\//i.test(repository.url);
      return [name, isPath ? { ...repository, url: path.resolve(directory, repository.url) } : repository];
    }),
  );
  return { ...settings, repositories };
}
