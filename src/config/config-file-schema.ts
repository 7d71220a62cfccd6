import { z } from "zod";
import { mcpServersSchema } from "./mcp-config-schema.ts";
import { modelReferenceProblem } from "./model-reference.ts";
import { repositoryNamePattern, repositoryNameStart, repositoryNameStartRule } from "./repository-name.ts";
import { schedulesSchema } from "./schedule-config-schema.ts";
import { isServiceCredentialVariable } from "./service-credentials.ts";
import { spendLimitsSettingSchema } from "./spend-limits-config.ts";
import { watchSettingsSchema } from "./watch-config-schema.ts";

/**
 * The schema of `threadwork.config.json`. Every field carries a description and an example:
 * editors show them through the generated JSON Schema, and validation errors quote the example.
 * No field holds a secret: tokens and keys stay in the environment.
 */

const modelRefPattern = /^(anthropic|openai):\S+$/;

const commandLine = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(2000, "must be at most 2,000 characters")
  .refine((text) => !/[\r\n]/.test(text), "must be one line");

const timeoutSeconds = z
  .number()
  .int("must be a whole number of seconds")
  .positive("must be more than 0")
  .max(86_400, "must be at most 86,400 (a day)");

/** A path pattern (see `pathPattern`): from the repository's root, `*`, `**` and a trailing `/`. */
const pathPatternText = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(500, "must be at most 500 characters")
  .refine(
    (pattern) =>
      !pattern.startsWith("/") && !pattern.split("/").some((part) => part === ".." || part === "."),
    "must be a path from the repository's root, such as deploy/pipeline.yml (no leading /, no . or ..)",
  )
  .refine((pattern) => !/[\r\n\\]/.test(pattern), "must be one line with / between directories");

const environmentVariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name such as NPM_TOKEN")
  .refine(
    (name) => !isServiceCredentialVariable(name),
    "is one of Threadwork's own credentials, which repository code never receives; give setup its own narrow token",
  );

const setupSchema = z
  .strictObject({
    command: commandLine.meta({
      description:
        "Runs in a new workspace before the worker's first turn, in the sandbox with network access: install dependencies here.",
      examples: ["npm ci"],
    }),
    timeoutSeconds: timeoutSeconds.optional().meta({
      description: "How long setup may run before it is stopped. Default 900.",
      examples: [900],
    }),
    environment: z
      .array(environmentVariableName)
      .max(50)
      .optional()
      .meta({
        description:
          "Names of environment variables the setup command receives, e.g. a read-only registry token. Their values come from Threadwork's environment, never from this file. Nothing else is passed.",
        examples: [["NPM_TOKEN"]],
      }),
    cacheKeyPaths: z
      .array(pathPatternText)
      .max(200)
      .optional()
      .meta({
        description:
          "More files setup reads, whose content joins the setup cache key: the scripts that install scripts run, patches. Manifests, lock files and package-manager settings at any depth are always part of the key. Patterns as in `pipelineFiles`; `**` keys on the whole tree, so only an identical commit reuses the cache.",
        examples: [["scripts/postinstall.js", "patches/"]],
      }),
    fromRepository: z
      .boolean()
      .optional()
      .meta({
        description:
          "Also run the repository's own `.threadwork/setup.sh`, after `command`, when it has one. Default false: only the operator decides what runs with network access.",
        examples: [false],
      }),
  })
  .meta({
    description: "Environment setup, run once per workspace before the worker starts.",
    examples: [{ command: "npm ci" }],
  });

const checkSchema = z
  .strictObject({
    command: commandLine.meta({
      description: "Verifies a worker's change before it finishes, in the sandbox; exit code 0 passes.",
      examples: ["npm test"],
    }),
    timeoutSeconds: timeoutSeconds.optional().meta({
      description: "How long one check run may take. Default 600.",
      examples: [600],
    }),
    retries: z
      .number()
      .int("must be a whole number")
      .min(0, "must be 0 or more")
      .max(10, "must be at most 10")
      .optional()
      .meta({
        description: "How often a failing check goes back to the worker before finishing fails. Default 2.",
        examples: [2],
      }),
  })
  .meta({
    description: "The check a worker's change must pass before it finishes.",
    examples: [{ command: "npm test" }],
  });

const allowCommands = z
  .array(commandLine)
  .max(200)
  .meta({
    description:
      "Command patterns that run without approval while the sandbox is active: a command equal to a pattern, or starting with it and a space.",
    examples: [["npm test", "npm run lint"]],
  });

const nodeSchema = z
  .string()
  .refine(
    (text) => text === "threadwork" || text === "system" || (text.startsWith("/") && !/[\0:\r\n]/.test(text)),
    'must be "threadwork", "system" or the absolute path of a node executable',
  )
  .meta({
    description:
      'The Node that setup, checks and the agent\'s commands run on: its directory comes first on their PATH, so `node` and `npx` (and an npm that starts with `#!/usr/bin/env node`) run on it. "threadwork" (the default): the Node that runs Threadwork, the one its tests ran on. "system": the first `node` on Threadwork\'s PATH, as the host has it. Or the absolute path of a `node` executable, e.g. one version of nvm. `.nvmrc` and `engines` are not read.',
    examples: ["threadwork", "system", "/opt/node-22/bin/node"],
  });

/** An https (or http) URL without credentials, a file:// URL, or a local path. */
function isRepositoryLocation(text: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined || /^[a-z]:[\\/]/i.test(text)) return !/^[^/\\]*@[^/\\]*:/.test(text);
  return ["http", "https", "file"].includes(scheme) && URL.canParse(text);
}

const repositorySchema = z
  .strictObject({
    url: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .refine(isRepositoryLocation, "must be an https git URL or a local path (ssh URLs are not supported)")
      .refine(
        (text) => !/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(text),
        "must not hold credentials: put the token in GIT_TOKEN",
      )
      .meta({
        description:
          "Where the repository lives: an https git URL, or a local path (relative paths are relative to this file).",
        examples: ["https://github.com/acme/web.git"],
      }),
    defaultBranch: z
      .string()
      .regex(/^(?!-)(?!.*\.\.)(?!.*[./]$)[A-Za-z0-9._/-]+$/, "must be a git branch name")
      .optional()
      .meta({
        description: "The branch workspaces start from and pull requests target. Default: the remote's HEAD.",
        examples: ["main"],
      }),
    setup: setupSchema.optional(),
    check: checkSchema.optional(),
    network: z
      .enum(["off", "on"], { error: 'must be "off" or "on"' })
      .optional()
      .meta({
        description:
          "Network access for the agent's commands after setup. Default off; setup itself always has network.",
        examples: ["off"],
      }),
    allowCommands: allowCommands.optional(),
    pipelineFiles: z
      .array(pathPatternText)
      .max(200)
      .optional()
      .meta({
        description:
          "More files that make something run when a branch is pushed (a deploy pipeline, a script the CI host runs), on top of the built-in list of CI files: a branch that changes one is not pushed without a person. Paths from the repository's root, case-insensitive; `*` is any characters within a directory, `**` any depth, a trailing `/` a whole directory. They add to the built-in list and cannot remove from it.",
        examples: [["deploy/pipeline.yml", "scripts/ci/", "**/deploy.sh"]],
      }),
    node: nodeSchema.optional(),
    mcpServers: mcpServersSchema("repository"),
    autofix: z
      .enum(["off", "on"], { error: 'must be "off" or "on"' })
      .optional()
      .meta({
        description:
          "Whether a failed check on a pull request Threadwork opened wakes its session to fix it (docs/github.md). Default: THREADWORK_GITHUB_AUTOFIX.",
        examples: ["on"],
      }),
  })
  .meta({
    description: "One repository agents can work in.",
    examples: [{ url: "https://github.com/acme/web.git", defaultBranch: "main" }],
  });

const price = (description: string, example: number) =>
  z
    .number()
    .nonnegative("must be 0 or more")
    .meta({ description, examples: [example] });

const modelSchema = z
  .strictObject({
    price: z
      .strictObject({
        input: price("US dollars per million uncached input tokens.", 3),
        output: price("US dollars per million output tokens.", 15),
        cacheRead: price("US dollars per million tokens read from the prompt cache.", 0.3).optional(),
        cacheWrite: price("US dollars per million tokens written to the prompt cache.", 3.75).optional(),
      })
      .optional()
      .meta({
        description: "Overrides the built-in price table; a model with no price shows as unpriced.",
        examples: [{ input: 3, output: 15 }],
      }),
    contextWindowTokens: z
      .number()
      .int("must be a whole number of tokens")
      .min(1024, "must be at least 1,024")
      .optional()
      .meta({
        description: "The model's context window in tokens, overriding the built-in limit.",
        examples: [32768],
      }),
    images: z
      .boolean()
      .optional()
      .meta({
        description:
          "Whether the model is shown images people share. Default: true for Claude and OpenAI's listed models, false for any other (it gets a note instead).",
        examples: [true],
      }),
  })
  .meta({
    description: "Settings of one model.",
    examples: [{ price: { input: 0, output: 0 }, contextWindowTokens: 32768 }],
  });

export const configFileSchema = z
  .strictObject({
    $schema: z
      .string()
      .optional()
      .meta({
        description: "The JSON Schema for editors.",
        examples: ["./threadwork.config.schema.json"],
      }),
    repositories: z
      .record(
        z
          .string()
          .regex(repositoryNamePattern, "must be letters, digits, dot, dash or underscore")
          .regex(repositoryNameStart, repositoryNameStartRule),
        repositorySchema,
      )
      .optional()
      .meta({
        description: "Repositories by name; the name is what the supervisor and Slack users refer to.",
        examples: [{ web: { url: "https://github.com/acme/web.git" } }],
      }),
    defaultRepository: z
      .string()
      .min(1, "must not be empty")
      .optional()
      .meta({
        description: "The repository used when none is named; one of `repositories`.",
        examples: ["web"],
      }),
    allowCommands: allowCommands.optional().meta({
      description:
        "Command patterns that run without approval in every repository, while the sandbox is active.",
      examples: [["git status"]],
    }),
    models: z
      .record(
        z.string().regex(modelRefPattern, {
          error: (issue) => modelReferenceProblem(String(issue.input)) ?? "must be written provider:model",
        }),
        modelSchema,
      )
      .optional()
      .meta({
        description: "Per-model settings, keyed provider:model.",
        examples: [{ "openai:qwen3": { price: { input: 0, output: 0 }, contextWindowTokens: 32768 } }],
      }),
    mcpServers: mcpServersSchema("deployment"),
    schedules: schedulesSchema.optional(),
    watch: watchSettingsSchema,
    spendLimits: spendLimitsSettingSchema.optional(),
  })
  .meta({
    title: "Threadwork configuration",
    description:
      "Repository and deployment settings of Threadwork. Secrets never go here: keys and tokens stay in the environment.",
  });

export type ConfigFileSettings = z.infer<typeof configFileSchema>;
export type { ScheduleSetting } from "./schedule-config-schema.ts";
export type RepositorySetup = z.infer<typeof setupSchema>;
export type RepositoryCheck = z.infer<typeof checkSchema>;
/** `threadwork`, `system` or the absolute path of a node executable. */
export type NodeSetting = z.infer<typeof nodeSchema>;

/** The JSON Schema for editors, committed as `threadwork.config.schema.json`. */
export function configFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configFileSchema, { io: "input", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
}
