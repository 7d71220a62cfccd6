import { decodeEncryptionKey } from "../encryption-key.ts";
import { setting, text } from "../environment-values.ts";
import { variable } from "../environment-variable.ts";

const encryptionKey = setting((value, refuse) => {
  if (!decodeEncryptionKey(value)) {
    refuse("must be 32 random bytes as 64 hex digits or base64", {
      showValue: false,
      example: "<output of openssl rand -base64 32>",
    });
  }
  return value;
});

/** Slack's OAuth install into many workspaces, and the key its tokens are encrypted with. */
export const slackInstallVariables = [
  variable({
    name: "SLACK_CLIENT_ID",
    parse: text,
    section: "Slack",
    description:
      "Many workspaces: the app's Client ID (Basic Information). With SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and THREADWORK_ENCRYPTION_KEY, workspaces install at GET /slack/install instead of one SLACK_BOT_TOKEN.",
    example: "1234567890.1234567890",
  }),
  variable({
    name: "SLACK_CLIENT_SECRET",
    parse: text,
    section: "Slack",
    description: "Many workspaces: the app's Client Secret (Basic Information).",
    example: "0123456789abcdef0123456789abcdef",
    secret: true,
  }),
  variable({
    name: "SLACK_STATE_SECRET",
    parse: text,
    section: "Slack",
    description:
      "Many workspaces: any long random text that signs the OAuth state, so an install finishes only in the browser that started it.",
    example: "a-long-random-text",
    secret: true,
  }),
  variable({
    name: "THREADWORK_ENCRYPTION_KEY",
    parse: encryptionKey,
    section: "Slack",
    description:
      "Many workspaces: 32 random bytes (64 hex digits or base64, e.g. from openssl rand -base64 32) that encrypt the installations' tokens in the database (AES-256-GCM). Keep it: without it the stored tokens cannot be read.",
    // A well-formed key for the tables; a real one comes from `openssl rand -base64 32`.
    example: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    secret: true,
  }),
] as const;
