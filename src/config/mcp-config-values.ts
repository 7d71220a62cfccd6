import { z } from "zod";
import { malformedReference, referencedVariables, usesWorkspace } from "./mcp-references.ts";
import { isLiteralSecret, isSecretName, tokenShapeIn } from "./mcp-secret-text.ts";
import { isServiceCredentialVariable } from "./service-credentials.ts";

/**
 * The values inside an MCP server's entry (`mcp-config-schema.ts`): texts that may name
 * environment variables, the command, paths, the URL and headers. A message that carries its
 * own "e.g." gets no example appended (`config-file-problems.ts`).
 */

const reference = (workspace: boolean) =>
  workspace
    ? "write ${NAME} for an environment variable or ${workspace} for the agent's working copy"
    : "write ${NAME} for an environment variable";

/** The first thing wrong with one text value of a server, or `undefined`. */
function textProblem(value: string, workspace: boolean): string | undefined {
  if (/[\0\r\n]/.test(value)) return "must be one line";
  const malformed = malformedReference(value);
  if (malformed !== undefined)
    return `holds ${malformed}, which Threadwork does not expand: ${reference(workspace)}`;
  if (!workspace && usesWorkspace(value))
    return "uses ${workspace}, which only a stdio server's args and environment may: an HTTP server has no agent's working copy";
  const credential = referencedVariables(value).find(isServiceCredentialVariable);
  if (credential !== undefined)
    return `names \${${credential}}, one of Threadwork's own credentials, which no MCP server receives: give the server its own narrow token, e.g. \${TRACKER_TOKEN}`;
  const token = tokenShapeIn(value);
  if (token !== undefined)
    return `looks like ${token} written in the file: set it in Threadwork's environment under a name of its own and refer to it here, e.g. \${TRACKER_TOKEN}`;
  return undefined;
}

/** A text value that may hold `${NAME}` references (and `${workspace}` where `workspace`). */
export const serverText = (workspace: boolean) =>
  z
    .string()
    .max(4000, "must be at most 4,000 characters")
    .superRefine((value, context) => {
      const problem = textProblem(value, workspace);
      if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
    });

const literalSecretProblem =
  "holds a value written in the file, and its name says it is a secret: set the secret in Threadwork's environment under a name of its own and refer to it";

/**
 * A record of named texts (environment, headers) whose secret-named entries must refer to the
 * environment. A value the text rules already refuse gets no second message.
 */
export function namedValues(key: z.ZodType<string>, workspace: boolean, value: z.ZodType<string>) {
  return z.record(key, value).superRefine((record, context) => {
    const names = Object.keys(record);
    if (names.length > 50) context.addIssue({ code: "custom", message: "must have at most 50 entries" });
    for (const name of names) {
      const text = record[name];
      if (typeof text !== "string" || textProblem(text, workspace) !== undefined) continue;
      if (isSecretName(name) && isLiteralSecret(text))
        context.addIssue({ code: "custom", path: [name], message: literalSecretProblem });
    }
  });
}

/** `--token=abc`: a flag whose name says secret, given a value written in the file. */
function literalSecretFlag(arg: string): boolean {
  const flag = /^--?([A-Za-z0-9_-]+)=(.*)$/.exec(arg);
  return flag !== null && isSecretName(flag[1] ?? "") && isLiteralSecret(flag[2] ?? "");
}

export const serverArgs = z
  .array(serverText(true).meta({ description: "One argument.", examples: ["${workspace}"] }))
  .max(100, "must have at most 100 arguments")
  .superRefine((args, context) => {
    args.forEach((arg, index) => {
      if (typeof arg === "string" && textProblem(arg, true) === undefined && literalSecretFlag(arg))
        context.addIssue({
          code: "custom",
          path: [index],
          message: `${literalSecretProblem}, e.g. ${arg.slice(0, arg.indexOf("=") + 1)}\${TRACKER_TOKEN}`,
        });
    });
  });

/** The first thing wrong with a stdio server's command, or `undefined`. */
function commandProblem(text: string): string | undefined {
  if (text === "") return "must not be empty";
  if (text.length > 1000) return "must be at most 1,000 characters";
  if (/\s/.test(text)) return "must be one executable, without spaces: put its arguments in args";
  if (text.includes("$")) return "is run as written, without references: name the executable itself";
  if (!text.startsWith("/") && text.includes("/"))
    return "must be an executable's name on Threadwork's PATH or an absolute path: a relative path would depend on where Threadwork starts";
  return undefined;
}

export const command = z.string().superRefine((text, context) => {
  const problem = commandProblem(text);
  if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
});

export const absolutePath = z
  .string()
  .refine(
    (text) =>
      text.startsWith("/") &&
      !/[\0\r\n$]/.test(text) &&
      !text.split("/").some((part) => part === "." || part === ".."),
    "must be an absolute path, without . or .. or references",
  );

export const environmentVariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name such as TRACKER_TOKEN");

/** An http(s) URL without user, password or secret-named query parameter. */
function urlProblem(text: string): string | undefined {
  if (text.includes("$")) return "is used as written, without references: put secrets in headers";
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:"))
    return "must be an http or https URL";
  if (url.username !== "" || url.password !== "" || [...url.searchParams.keys()].some(isSecretName))
    return 'must not hold credentials: send them in headers, e.g. "Authorization": "Bearer ${TRACKER_TOKEN}"';
  return undefined;
}

export const serverUrl = z.string().superRefine((text, context) => {
  const problem = urlProblem(text);
  if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
});

/** Headers the MCP client sets itself. */
const clientHeaders = new Set([
  "host",
  "content-length",
  "content-type",
  "accept",
  "connection",
  "transfer-encoding",
  "mcp-session-id",
  "mcp-protocol-version",
  "last-event-id",
]);

export const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name")
  .refine(
    (name) => !clientHeaders.has(name.toLowerCase()),
    "is set by the MCP client itself and cannot be configured",
  );
