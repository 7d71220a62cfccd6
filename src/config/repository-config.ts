import type { NodeSetting, RepositoryCheck, RepositorySetup } from "./config-file-schema.ts";

/**
 * One repository agents can work in. `THREADWORK_REPOS` gives only a name and a URL; the
 * configuration file can add the rest. Setup, check and network are read and validated here
 * and acted on by the workspace layers that use them (see docs/configuration.md).
 */
export interface RepositoryConfig {
  name: string;
  /** An https git URL or an absolute local path. */
  url: string;
  /** The branch workspaces start from; default the remote's HEAD. */
  defaultBranch?: string;
  setup?: RepositorySetup;
  check?: RepositoryCheck;
  /** Network for agent commands after setup; default off. */
  network?: "off" | "on";
  /** Command patterns that skip approval in this repository, on top of the global ones. */
  allowCommands?: string[];
  /** More files whose change keeps a branch from being pushed without a person (see `ciPushRefusal`). */
  pipelineFiles?: string[];
  /** The Node commands run on; default `threadwork`, the one running Threadwork. */
  node?: NodeSetting;
  /** Whether a failed check on a pull request Threadwork opened wakes its session; default THREADWORK_GITHUB_AUTOFIX. */
  autofix?: "off" | "on";
}
