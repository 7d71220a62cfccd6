import { withoutReferences } from "./mcp-references.ts";

/**
 * How an MCP server's entry is kept free of secrets: a value whose name says it is a secret
 * must come from the environment, and no value may look like a known token, whatever its name.
 */

/**
 * One word of a name that says "secret": by whole words, so `KEYBOARD_LAYOUT`, `AUTHOR` and
 * `TOKENIZER_PATH` pass while `API_KEY`, `X-Auth-Token`, `apiKey` and `GITLAB_PAT` do not.
 */
const secretWord =
  /^(?:[A-Z]*(?:TOKEN|SECRET|PASSWORD|PASSWD|APIKEY|ACCESSKEY|PRIVATEKEY|CREDENTIAL)S?|KEYS?|PASS|PWD|PAT|AUTH|AUTHORIZATION|COOKIES?|CREDS?)$/;

/** Whether an environment variable, header or flag name says its value is a secret. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/);
  return words.some((word) => secretWord.test(word));
}

/** Known token formats, and a bearer credential written out rather than named. */
const tokenShapes: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /\b(?:xox[a-z]|xapp)-/i, what: "a Slack token" },
  { pattern: /(?<![A-Za-z0-9])sk-[A-Za-z0-9]/, what: "an API key (sk-…)" },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]/, what: "a GitHub token" },
  { pattern: /\bgithub_pat_/, what: "a GitHub token" },
  { pattern: /\bglpat-/, what: "a GitLab token" },
  { pattern: /\bBearer\s+(?!\$\{)\S/i, what: "a bearer credential" },
];

/** What known token a value looks like, e.g. `a GitHub token`; `undefined` when none. */
export function tokenShapeIn(value: string): string | undefined {
  return tokenShapes.find(({ pattern }) => pattern.test(value))?.what;
}

/**
 * Whether a secret-named value is written in the file rather than named: it must refer to a
 * variable, and besides references hold at most an authentication scheme and separators
 * (`Bearer ${TOKEN}`, `Basic ${CREDENTIALS}`, `${USER}:${PASSWORD}`).
 */
export function isLiteralSecret(value: string): boolean {
  const literal = withoutReferences(value);
  if (literal === value) return value.trim() !== "";
  return !/^\s*(?:[A-Za-z][A-Za-z-]*\s+)?[\s:./_-]*$/.test(literal);
}
