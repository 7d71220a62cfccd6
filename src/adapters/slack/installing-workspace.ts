import { z } from "zod";
import type { SlackApi } from "./slack-api.ts";

const authSchema = z.looseObject({
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
});

interface WorkspaceIdentity {
  teamId: string | undefined;
  enterpriseId: string | undefined;
}

/** Says which workspace (and organization) counts as ours; rejects while that is unknown. */
export interface WorkspaceIdentitySource {
  get(): Promise<WorkspaceIdentity>;
}

/** The workspace (and organization) that installed the app, from `auth.test`, asked once. */
export class InstallingWorkspace implements WorkspaceIdentitySource {
  private identity: Promise<WorkspaceIdentity> | undefined;
  private readonly api: SlackApi;

  constructor(api: SlackApi) {
    this.api = api;
  }

  /** Rejects when Slack cannot say; a later call asks again. */
  get(): Promise<WorkspaceIdentity> {
    if (!this.identity) {
      const asked = this.api.call("auth.test", {}).then((response) => {
        const parsed = authSchema.parse(response);
        return { teamId: parsed.team_id || undefined, enterpriseId: parsed.enterprise_id || undefined };
      });
      asked.catch(() => {
        if (this.identity === asked) this.identity = undefined;
      });
      this.identity = asked;
    }
    return this.identity;
  }
}
