import path from "node:path";
import { z } from "zod";
import { modelReferenceProblem } from "./model-reference.ts";
import { repositoryNamePattern, repositoryNameStart, repositoryNameStartRule } from "./repository-name.ts";

/**
 * Parsers for environment values. Each refusal is written as the words that follow the
 * variable's name ("must be a whole number from 1 to 65535"); src/config/environment-problems.ts
 * adds the name, the value when it is not a secret, and an example.
 */

interface RefusalOptions {
  /** Echo the whole value after the message; off when the message already quotes what is wrong. */
  showValue?: boolean;
  /** Replaces the variable's usual example value (the part after `NAME=`). */
  example?: string;
}

type Refuse = (message: string, options?: RefusalOptions) => void;

/** A setting read from its trimmed text; empty counts as unset. */
export function setting<T>(parse: (text: string, refuse: Refuse) => T) {
  return z
    .string()
    .optional()
    .transform((raw, context): T | undefined => {
      const text = raw?.trim();
      if (!text) return undefined;
      let refused = false;
      const value = parse(text, (message, options = {}) => {
        refused = true;
        context.addIssue({
          code: "custom",
          message,
          params: { showValue: options.showValue ?? true, example: options.example },
        });
      });
      return refused ? z.NEVER : value;
    });
}

export const text = setting((value) => value);

export function wholeNumber(options: { max?: number } = {}) {
  const range =
    options.max === undefined ? "of 1 or more" : `from 1 to ${options.max.toLocaleString("en-US")}`;
  return setting((value, refuse) => {
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < 1 || (options.max !== undefined && number > options.max)) {
      refuse(`must be a whole number ${range}`);
    }
    return number;
  });
}

/** `host:port` for a listener; an IPv6 host in brackets (`[::]:9091`). */
export const listenAddress = setting((value, refuse) => {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) {
    refuse("must be host:port with a port from 1 to 65,535 (an IPv6 host in brackets)");
    return { host: "", port: 0 };
  }
  return { host: match[1] ?? match[2] ?? "", port };
});

export const positiveNumber = setting((value, refuse) => {
  const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(number > 0)) refuse("must be a number above 0");
  return number;
});

/** A number of 0 or more (`max` decimals allowed when `decimals`), or `off`. */
export function thresholdOrOff(options: { decimals: boolean }) {
  const pattern = options.decimals ? /^\d+(\.\d+)?$/ : /^\d+$/;
  const what = options.decimals ? "a number of 0 or more" : "a whole number of 0 or more";
  return setting((value, refuse): number | "off" => {
    if (value.toLowerCase() === "off") return "off";
    const number = pattern.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(number)) refuse(`must be ${what}, or off`);
    return number;
  });
}

const flags: Record<string, boolean> = {
  true: true,
  false: false,
  "1": true,
  "0": false,
  yes: true,
  no: false,
  on: true,
  off: false,
};

export const flag = setting((value, refuse) => {
  const known = flags[value.toLowerCase()];
  if (known === undefined) refuse("must be true or false (or 1/0, yes/no, on/off)");
  return known ?? false;
});

export function choice<const Value extends string>(values: readonly Value[], message: string) {
  return setting((value, refuse) => {
    if (!(values as readonly string[]).includes(value)) refuse(message);
    return value as Value;
  });
}

const schemePattern = /^([a-z][a-z0-9+.-]*):\/\//i;

/** An http:// or https:// URL; `localhost:11434/v1` is told to add the scheme. */
export const httpUrl = setting((value, refuse) => {
  const scheme = schemePattern.exec(value)?.[1]?.toLowerCase();
  // Checked first, so no other message quotes the password.
  if (/^[^/?#]*@/.test(value.replace(schemePattern, ""))) {
    refuse(
      "holds credentials (user:password@ before the host): remove them; keys and tokens have variables of their own",
      { showValue: false },
    );
  } else if (scheme === undefined) {
    refuse(`${JSON.stringify(value)} has no scheme: add http:// (or https://)`, {
      showValue: false,
      example: `http://${value}`,
    });
  } else if (scheme !== "http" && scheme !== "https") {
    refuse(`must be an http:// or https:// URL, not ${scheme}://`, { showValue: false });
  } else if (!URL.canParse(value)) {
    refuse("is not a URL");
  }
  return value;
});

export const postgresUrl = setting((value, refuse) => {
  if (/^postgres(ql)?:\/\/./.test(value)) return value;
  const scheme = schemePattern.exec(value)?.[1];
  refuse(`must be a postgres:// URL${scheme ? `, not ${scheme}://` : ""}`, { showValue: false });
  return value;
});

export const modelReference = setting((value, refuse) => {
  const problem = modelReferenceProblem(value);
  if (problem !== undefined) {
    const unknownProvider = problem.startsWith("uses ");
    refuse(problem, {
      showValue: !unknownProvider,
      ...(unknownProvider
        ? {
            example: `openai:${value.slice(value.indexOf(":") + 1)} and OPENAI_BASE_URL=http://127.0.0.1:11434/v1`,
          }
        : {}),
    });
  }
  return value;
});

/** Durations written `90s`, `30m`, `12h`, `7d`, or a bare number of seconds. */
export const duration = setting((value, refuse) => {
  if (!/^\d+(\.\d+)?[smhd]?$/.test(value)) refuse("must be a duration like 90s, 30m, 12h or 7d");
  const unit = /[smhd]$/.test(value) ? value.slice(-1) : "s";
  const scale = { s: 1, m: 60, h: 3600, d: 86400 }[unit] ?? 1;
  return Number.parseFloat(value) * scale;
});

/** A Slack token of one kind, told apart from the other kinds by its prefix. */
export function slackToken(prefix: string, kind: string) {
  return setting((value, refuse) => {
    if (value.startsWith(prefix)) return value;
    const given = /^(xox[a-z]|xapp)-/.exec(value)?.[0];
    refuse(
      `must be the ${kind}, which starts with ${prefix}${given ? ` (this one starts with ${given})` : ""}`,
      {
        showValue: false,
      },
    );
    return value;
  });
}

export const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== ""),
  );

type PriceTable = Record<string, { input: number; output: number; cacheRead?: number; cacheWrite?: number }>;

const priceFields = ["input", "output", "cacheRead", "cacheWrite"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The setting's JSON object, or undefined (refused) when it is not one. */
function jsonObject(value: string, refuse: Refuse, what: string): Record<string, unknown> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch (error) {
    refuse(`is not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
      showValue: false,
    });
    return undefined;
  }
  if (!isRecord(data)) {
    refuse(`must be a JSON object of ${what} keyed provider:model`);
    return undefined;
  }
  return data;
}

/** `{"provider:model": {"input": 3, "output": 15}}`, US dollars per million tokens. */
export const priceTable = setting((value, refuse): PriceTable => {
  const data = jsonObject(value, refuse, "prices");
  if (!data) return {};
  const table: PriceTable = {};
  for (const [model, price] of Object.entries(data)) {
    const nameProblem = modelReferenceProblem(model);
    if (nameProblem !== undefined) {
      refuse(`has a price for "${model}": the name ${nameProblem}`, { showValue: false });
      continue;
    }
    if (!isRecord(price)) {
      refuse(`gives "${model}" a price that is not an object like {"input": 3, "output": 15}`, {
        showValue: false,
      });
      continue;
    }
    const unknown = Object.keys(price).filter((key) => !(priceFields as readonly string[]).includes(key));
    for (const key of unknown) {
      refuse(`gives "${model}" a field "${key}" it does not know (known: ${priceFields.join(", ")})`, {
        showValue: false,
      });
    }
    const entry: Record<string, number> = {};
    for (const field of priceFields) {
      const amount = price[field];
      if (amount === undefined && (field === "cacheRead" || field === "cacheWrite")) continue;
      if (typeof amount !== "number" || !(amount >= 0)) {
        refuse(`gives "${model}" no usable "${field}" price: it must be a number, 0 or more`, {
          showValue: false,
        });
        continue;
      }
      entry[field] = amount;
    }
    if (unknown.length === 0 && entry.input !== undefined && entry.output !== undefined) {
      table[model] = entry as PriceTable[string];
    }
  }
  return table;
});

/** `{"provider:model": 32768}`: context windows in tokens, 1,000 or more. */
export const contextWindowTable = setting((value, refuse): Record<string, number> => {
  const data = jsonObject(value, refuse, "token counts");
  if (!data) return {};
  const table: Record<string, number> = {};
  for (const [model, tokens] of Object.entries(data)) {
    const nameProblem = modelReferenceProblem(model);
    if (nameProblem !== undefined) {
      refuse(`has a window for "${model}": the name ${nameProblem}`, { showValue: false });
    } else if (typeof tokens !== "number" || !Number.isInteger(tokens) || tokens < 1000) {
      refuse(`gives "${model}" ${JSON.stringify(tokens)} tokens: a window is a whole number, 1,000 or more`, {
        showValue: false,
      });
    } else {
      table[model] = tokens;
    }
  }
  return table;
});

/** `{"provider:model": true}`: whether each model is shown images. */
export const imageModelTable = setting((value, refuse): Record<string, boolean> => {
  const data = jsonObject(value, refuse, "true or false");
  if (!data) return {};
  const table: Record<string, boolean> = {};
  for (const [model, accepts] of Object.entries(data)) {
    const nameProblem = modelReferenceProblem(model);
    if (nameProblem !== undefined) {
      refuse(`names "${model}": the name ${nameProblem}`, { showValue: false });
    } else if (typeof accepts !== "boolean") {
      refuse(`gives "${model}" ${JSON.stringify(accepts)}: say true or false`, { showValue: false });
    } else {
      table[model] = accepts;
    }
  }
  return table;
});

/** What is wrong with a repository's location, or `undefined`: an http(s) git URL or a local path. */
function repositoryLocationProblem(location: string): string | undefined {
  if (/^[^/\\]*@[^/\\]*:/.test(location) || /^ssh:\/\//i.test(location)) {
    return "is an SSH address: Threadwork fetches over https, with GIT_TOKEN for private repositories";
  }
  const scheme = schemePattern.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return undefined;
  if (!["http", "https", "file"].includes(scheme) || !URL.canParse(location)) {
    return "must be an https git URL or a local path";
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(location)) return "holds credentials: put the token in GIT_TOKEN";
  return undefined;
}

/** `THREADWORK_REPOS`: comma-separated `name=url`; each bad entry is named in its own message. */
export const repositoryList = setting((value, refuse) => {
  const repositories: Array<{ name: string; url: string }> = [];
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    const separator = entry.indexOf("=");
    const name = separator > 0 ? entry.slice(0, separator).trim() : "";
    const url = separator > 0 ? entry.slice(separator + 1).trim() : "";
    if (name === "" || url === "") {
      refuse(`has an entry "${entry}" that is not name=url`, { showValue: false });
      continue;
    }
    if (!repositoryNamePattern.test(name)) {
      refuse(`has an entry named "${name}": a name is letters, digits, dot, dash or underscore`, {
        showValue: false,
      });
      continue;
    }
    if (!repositoryNameStart.test(name)) {
      refuse(`has an entry named "${name}": a name ${repositoryNameStartRule}`, { showValue: false });
      continue;
    }
    const problem = repositoryLocationProblem(url);
    if (problem !== undefined) {
      // The entry itself is not echoed: it may hold a token.
      refuse(`has an entry "${name}" whose url ${problem}`, { showValue: false });
      continue;
    }
    if (repositories.some((repository) => repository.name === name)) {
      refuse(`lists "${name}" twice`, { showValue: false });
      continue;
    }
    repositories.push({ name, url });
  }
  return repositories;
});

/** A directory, as an absolute path. */
export const directory = setting((value) => path.resolve(value));

/** A fallback for an unset variable that `.env` cannot spell, such as an empty list. */
export function withDefault<T, Fallback extends T>(
  schema: z.ZodType<T | undefined, string | undefined>,
  fallback: Fallback,
) {
  return schema.transform((value): T => value ?? fallback);
}
