import type { Config, Requirement } from "../config/config.ts";
import { readConfigFile } from "../config/config-file.ts";
import { loadConfig } from "../config/load-config.ts";
import { type EntryPoint, readArguments, renderHelp, usageCommand } from "../config/settings-text.ts";
import { ConfigurationError, ThreadworkError } from "../domain/errors.ts";
import { redactSecrets } from "../logger.ts";

/**
 * Reads the command line: `--help` prints the settings; anything else is refused. Returns
 * false when the entry point should exit now (`process.exitCode` says how).
 */
export function readCommandLine(
  entryPoint: EntryPoint,
  argv: readonly string[] = process.argv.slice(2),
): boolean {
  const { help, unknown } = readArguments(argv);
  if (help) {
    process.stdout.write(renderHelp(entryPoint));
    return false;
  }
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown argument ${unknown.join(" ")}: settings are environment variables; ${usageCommand(entryPoint)} -- --help lists them\n`,
    );
    process.exitCode = 2;
    return false;
  }
  return true;
}

/**
 * Parses the environment and the configuration file (`THREADWORK_CONFIG`, or
 * `threadwork.config.json` in the working directory) for an entry point. A configuration
 * error is written to stderr (one message naming every problem) and `undefined` comes back;
 * anything else throws.
 */
export function readConfigOrReport(requirements: Requirement[]): Config | undefined {
  try {
    return loadConfig(process.env, requirements, { file: readConfigFile(process.env, process.cwd()) });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // A value is echoed only for settings that are not secret; a URL's password is caught here all the same.
    process.stderr.write(`${redactSecrets(error.message)}\n`);
    return undefined;
  }
}

/** Text for stderr: our own errors explain themselves; anything else needs its stack. */
export function describeFailure(error: unknown): string {
  const text = error instanceof ThreadworkError ? error.message : String((error as Error)?.stack ?? error);
  return redactSecrets(text);
}
