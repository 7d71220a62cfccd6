import { z } from "zod";

export const environmentSections = [
  "General",
  "Storage",
  "Configuration file",
  "Model providers",
  "Limits",
  "Repositories and workspaces",
  "Shutdown",
  "Slack",
  "Who may use Threadwork in Slack",
  "Observability",
] as const;

type EnvironmentSection = (typeof environmentSections)[number];

/** Reads one variable's raw text (undefined when unset) into its value. */
type Parser<Value> = z.ZodType<Value, string | undefined>;

interface Documented<Name extends string> {
  name: Name;
  section: EnvironmentSection;
  /** What the variable does; `--help` and `.env.example` print it above or beside the name. */
  description: string;
  /** A good value, quoted by configuration errors. */
  example: string;
  /** A credential: never echoed back in a message, and never given to repository code. */
  secret?: boolean;
  /** What applies when it is unset, in words, when code other than the parser decides it. */
  unsetMeans?: string;
}

/** A variable the environment schema reads (src/config/environment-schema.ts). */
interface ParsedVariable<Name extends string = string, Value = unknown> extends Documented<Name> {
  /** The parser, with the default applied. */
  parser: Parser<Value>;
  /**
   * The value that applies when the variable is unset, written as in `.env` and read by the same
   * parser: `--help` states it, and `.env.example` starts with it.
   */
  default?: string;
}

/** A standard variable read elsewhere than the schema, e.g. by the OpenTelemetry exporter. */
export interface ForeignVariable extends Documented<string> {
  readBy: string;
}

export type EnvironmentVariable = ParsedVariable | ForeignVariable;

type Entry<Name extends string> = Omit<Documented<Name>, "unsetMeans">;

/**
 * One variable the schema reads. With `default`, an unset or empty variable reads as that text;
 * without, `unsetMeans` may say in words what applies instead.
 */
export function variable<const Name extends string, Value>(
  entry: Entry<Name> & { parse: Parser<Value | undefined>; default: string },
): ParsedVariable<Name, Value>;
export function variable<const Name extends string, Value>(
  entry: Entry<Name> & { parse: Parser<Value>; unsetMeans?: string },
): ParsedVariable<Name, Value>;
export function variable<const Name extends string, Value>(
  entry: Entry<Name> & { parse: Parser<Value>; default?: string; unsetMeans?: string },
): ParsedVariable<Name, Value> {
  const { parse, ...documentation } = entry;
  const fallback = entry.default;
  if (fallback === undefined) return { ...documentation, parser: parse };
  const parser = z.preprocess((raw: string | undefined) => (raw?.trim() ? raw : fallback), parse);
  // The fallback is read by the same parser, so the value is never undefined.
  return { ...documentation, parser: parser as Parser<Value> };
}
