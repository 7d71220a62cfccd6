import { type RoutedSlackApi, scopedSlackApi, scopeKey } from "../../adapters/slack/routed-slack-api.ts";
import { createSlackFiles } from "../../adapters/slack/slack-files.ts";
import { UserDirectory } from "../../adapters/slack/user-directory.ts";
import { UsergroupMembers } from "../../adapters/slack/usergroup-members.ts";
import type { SlackAccessLists } from "../../config/config.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { Logger } from "../../logger.ts";
import { AccessControl } from "./access-control.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";
import { WorkspaceAdmins } from "./workspace-admins.ts";

interface InstallationContextOptions {
  router: RoutedSlackApi;
  lists: SlackAccessLists | undefined;
  /** THREADWORK_ADMINS, checked in each installation with its own token. */
  adminIds: readonly string[];
  apiUrl: string | undefined;
  logger: Logger;
}

/**
 * With many installations, the surface's context acting for one of them: calls carry its token,
 * people are looked up with it, and "our workspace" is the installation's own team (and
 * organization), so a person of a workspace that has not installed the app is refused. Each is
 * built on first use and kept until the installation is removed.
 */
export class InstallationContexts {
  private readonly contexts = new Map<string, SlackSurfaceContext>();
  private readonly options: InstallationContextOptions;

  constructor(options: InstallationContextOptions) {
    this.options = options;
  }

  for(shared: SlackSurfaceContext, scope: TeamScope | undefined): SlackSurfaceContext {
    if (!scope) return this.build(shared, undefined);
    const key = scopeKey(scope);
    let context = this.contexts.get(key);
    if (!context) {
      context = this.build(shared, scope);
      this.contexts.set(key, context);
    }
    return context;
  }

  forget(scope: TeamScope): void {
    this.contexts.delete(scopeKey(scope));
    this.options.router.forget(scope);
  }

  private build(shared: SlackSurfaceContext, scope: TeamScope | undefined): SlackSurfaceContext {
    const { router, logger } = this.options;
    const api = scopedSlackApi(router, scope);
    const users = new UserDirectory(api);
    // The installation's own team: a scope with no installation is refused as unverifiable.
    const workspace = {
      get: async () => {
        await router.credentialsFor(scope);
        return { teamId: scope?.teamId, enterpriseId: scope?.enterpriseId };
      },
    };
    const groups = new UsergroupMembers({ api, logger });
    const access = new AccessControl({ lists: this.options.lists, workspace, groups, users, logger });
    const admins = new WorkspaceAdmins({ api, groups, adminIds: this.options.adminIds, logger });
    const files = createSlackFiles({
      api,
      botToken: async () => (await router.credentialsFor(scope, "files.download")).botToken,
      apiUrl: this.options.apiUrl,
    });
    return {
      ...shared,
      scope,
      api,
      users,
      workspace,
      access,
      admins,
      ...(shared.channelSettings ? { channelSettings: { ...shared.channelSettings, groups } } : {}),
      sharedFiles: { files, maximumBytes: shared.sharedFiles.maximumBytes },
    };
  }
}
