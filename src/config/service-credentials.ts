import { environmentVariables } from "./environment-variables.ts";

/** The variables the table marks secret: Threadwork's own credentials. */
const secretVariableNames = new Set(
  environmentVariables.filter((variable) => variable.secret).map((variable) => variable.name),
);

/**
 * Credentials the libraries Threadwork runs read from its environment on their own, which the
 * table does not list: the PostgreSQL driver's password and password file, and the OpenTelemetry
 * exporter's headers and client key, for all signals or one.
 */
const libraryCredentialPatterns: RegExp[] = [
  /^PG(PASSWORD|PASSFILE|SSLKEY|SSLPASSWORD)$/i,
  /^OTEL_EXPORTER_OTLP_((TRACES|METRICS|LOGS)_)?(HEADERS|CLIENT_KEY)$/i,
];

/** `npm run setup`'s app configuration token, which creates and rewrites Slack apps; no setting reads it. */
const setupCredentialNames = new Set(["SLACK_CONFIG_TOKEN"]);

/** Whether `name` holds one of Threadwork's own credentials, which repository code never receives. */
export function isServiceCredentialVariable(name: string): boolean {
  return (
    secretVariableNames.has(name.toUpperCase()) ||
    setupCredentialNames.has(name.toUpperCase()) ||
    libraryCredentialPatterns.some((pattern) => pattern.test(name))
  );
}
