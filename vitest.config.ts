import { configDefaults, defineConfig } from "vitest/config";
import { machineTimeScale } from "./test/helpers/time-scale.ts";

/**
 * Three tiers, each test file in exactly one (test/architecture/tiers-cover-every-test-once.test.ts
 * checks it). `unit`: pure code (domain, config, blocks, policies), no database, server or process.
 * `process`: the test starts Threadwork (in this process through main.ts, or as a child), a Node
 * child of its own, a terminal or a racing child; one-shot commands that build a fixture (git,
 * mkfifo, chown) do not count. `integration`: everything else, on the databases and the fakes, so a
 * new file lands there until it is listed.
 */
export const unitTests = [
  "test/architecture/**/*.test.ts",
  "test/bench/**/*.test.ts",
  "test/config.test.ts",
  "test/config/**/*.test.ts",
  "test/deployment-carries-its-configuration.test.ts",
  "test/domain/**/*.test.ts",
  "test/logger.test.ts",
  "test/mcp/mcp-references-results-and-call-clock.test.ts",
  "test/observability/lifecycle-lines-name-session-agent-and-thread.test.ts",
  "test/providers/create-providers.test.ts",
  "test/providers/pricing.test.ts",
  "test/providers/retry.test.ts",
  "test/runtime-version.test.ts",
  "test/runtime/decision-rule.test.ts",
  "test/runtime/pure-policies.test.ts",
  "test/runtime/terminal-replies-and-spinner.test.ts",
  "test/security-document.test.ts",
  "test/shutdown-budget-fits-the-platform-grace.test.ts",
  "test/slack/block-rendering.test.ts",
  "test/slack/channel-settings-submission-takes-only-what-is-configured.test.ts",
  "test/docs/pictures-show-what-the-renderers-send.test.ts",
  "test/slack/slack-method-rules-match-the-sdk.test.ts",
  "test/slack/unpriced-model-cost-reads-unpriced.test.ts",
  "test/workspace/merge-sources.test.ts",
];

export const processTests = [
  "test/clean-install-leaves-the-tree-clean.test.ts",
  "test/config/help-and-env-example-come-from-one-table.test.ts",
  "test/config/repositories-are-checked-at-start.test.ts",
  "test/doctor/doctor-lists-each-mcp-servers-tools.test.ts",
  "test/doctor/doctor-names-every-problem.test.ts",
  "test/env-file-from-the-example-starts-threadwork.test.ts",
  "test/mcp/http-server-is-reached-at-its-url-only.test.ts",
  "test/mcp/killed-server-fails-its-call-and-restarts-on-the-next.test.ts",
  "test/mcp/server-everything-elicitation-is-answered-in-the-thread.test.ts",
  "test/mcp/sandboxed-filesystem-server-never-reads-the-data-directory.test.ts",
  "test/mcp/stdio-server-gets-only-its-configured-environment.test.ts",
  "test/mcp/stdio-server-lists-calls-and-asks-in-and-out-of-the-sandbox.test.ts",
  "test/npm-start-stops-as-node-does-on-sigterm-and-ctrl-c.test.ts",
  "test/observability/metrics-are-served-in-both-slack-modes.test.ts",
  "test/observability/metrics-logs-and-traces-follow-a-slack-session.test.ts",
  "test/observability/tracing-loads-nothing-without-an-endpoint.test.ts",
  "test/providers/models-are-checked-at-start.test.ts",
  "test/readme-first-section-ends-with-an-answered-mention.test.ts",
  "test/scenarios/a-reply-interrupted-by-a-restart-reaches-slack-once.test.ts",
  "test/scenarios/audit-export-holds-every-decision-with-who-and-when.test.ts",
  "test/scenarios/chat-at-the-terminal-shows-and-runs-only-its-own-conversation.test.ts",
  "test/scenarios/resumes-after-crash.test.ts",
  "test/scenarios/stopping-loses-nothing-and-hands-over-at-once.test.ts",
  "test/scenarios/two-instances-run-each-step-once.test.ts",
  "test/security/allow-listed-test-command-cannot-reach-secrets.test.ts",
  "test/security/approved-command-reads-no-service-secret.test.ts",
  "test/security/approved-command-through-slack-reads-no-service-secret.test.ts",
  "test/security/command-limits-contain-runaway-commands.test.ts",
  "test/security/edit-file-cannot-blow-up-a-file.test.ts",
  "test/security/nested-repository-never-runs-code-outside-the-sandbox.test.ts",
  "test/security/quota-walk-never-follows-a-swapped-symlink.test.ts",
  "test/security/relative-search-path-never-runs-workspace-programs.test.ts",
  "test/security/sandboxed-command-cannot-read-service-secrets.test.ts",
  "test/security/slack-allow-listed-test-command-cannot-reach-secrets.test.ts",
  "test/setup/a-token-pasted-at-the-terminal-never-shows.test.ts",
  "test/setup/setup-takes-a-configuration-token-to-an-env-doctor-passes.test.ts",
  "test/slack/manifest-and-deploy.test.ts",
  "test/start.test.ts",
  "test/unsupported-node-gets-a-clear-message.test.ts",
  "test/workspace/disk-tally-never-follows-a-swapped-symlink.test.ts",
  "test/scenarios/a-worker-branch-opens-locally-and-the-session-continues-at-the-terminal.test.ts",
];

export const allTests = ["test/**/*.test.ts"];

// Migrated databases that each test database is copied from, built once per run (the unit tier has none).
const databaseTemplates = ["test/helpers/database-templates.ts"];

// Computed once here and handed to every worker, so helpers' waits and these timeouts agree.
const timeScale = machineTimeScale();

export default defineConfig({
  test: {
    testTimeout: Math.round(60_000 * timeScale),
    hookTimeout: Math.round(120_000 * timeScale),
    env: { TEST_TIME_SCALE: String(timeScale) },
    pool: "forks",
    // Most tests wait on sockets, timers and child processes: two files at once even on two cores
    // (vitest's default there is one).
    maxWorkers: 2,
    setupFiles: ["test/helpers/console-guard.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: unitTests,
          exclude: [...configDefaults.exclude, ...processTests],
          // Pure tests share one module graph per worker: importing src once is most of their time.
          isolate: false,
          pool: "threads",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: allTests,
          exclude: [...configDefaults.exclude, ...unitTests, ...processTests],
          globalSetup: databaseTemplates,
          // Files share one module graph per worker: importing src again for each file cost more than
          // most files' tests. Nothing here changes globals for good (an env variable set is restored).
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "process",
          include: processTests,
          exclude: [...configDefaults.exclude],
          globalSetup: databaseTemplates,
        },
      },
    ],
  },
});
