import { createHash } from "node:crypto";
import type { SlackApi } from "../../../adapters/slack/slack-api.ts";
import type { AgentSnapshot } from "../../../domain/agents.ts";
import type { TeamScope } from "../../../domain/team-scope.ts";
import type { Logger } from "../../../logger.ts";
import { renderContextBar } from "../blocks/code-channel-context.ts";
import { crewViewKey, renderCrewView, renderDiffView } from "../blocks/code-channel-views.ts";
import type { SessionDiffSource } from "./session-diffs.ts";

/** What a code channel last showed, so an unchanged rendering makes no call. */
export interface ShownTabs {
  channel: string;
  /** The installation of the session the channel was made for. */
  scope: TeamScope;
  contextBar?: string;
  crew?: string;
  diff?: string;
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);
}

/**
 * Keeps a code channel's context bar (repository, branch or pull request, status, cost),
 * its crew tab (Block Kit) and its diff tab current. A failed call is logged and tried
 * again with the next change; it never stops the session.
 */
export class CodeChannelTabs {
  private readonly api: SlackApi;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly diffs: SessionDiffSource | undefined;

  constructor(options: { api: SlackApi; logger: Logger; now: () => Date; diffs?: SessionDiffSource }) {
    this.api = options.api;
    this.logger = options.logger;
    this.now = options.now;
    this.diffs = options.diffs;
  }

  async showContextBar(
    shown: ShownTabs,
    input: { agents: AgentSnapshot[]; costMicros: number; ended: boolean },
  ): Promise<void> {
    const items = renderContextBar(input);
    await this.send(shown, "contextBar", items, () =>
      this.api.call(
        "agents.conversations.setProperties",
        {
          channel_id: shown.channel,
          code_channel: { context_bar_items: items },
        },
        { scope: shown.scope },
      ),
    );
  }

  async showCrew(shown: ShownTabs, agents: AgentSnapshot[]): Promise<void> {
    const blocks = renderCrewView(agents, this.now());
    await this.send(shown, "crew", blocks, () =>
      this.api.call(
        "agents.conversations.setView",
        {
          channel_id: shown.channel,
          type: "block_kit",
          view_key: crewViewKey,
          name: "Crew",
          blocks,
        },
        { scope: shown.scope },
      ),
    );
  }

  /** The diff tab, from the session's workspaces; nothing when there is no source or no change yet. */
  async showDiff(shown: ShownTabs, sessionId: string): Promise<void> {
    if (!this.diffs) return;
    let diff: Awaited<ReturnType<SessionDiffSource["diffOf"]>>;
    try {
      diff = await this.diffs.diffOf(sessionId);
    } catch (error) {
      this.logger.warn({ err: error, sessionId }, "could not read the session's diff");
      return;
    }
    const content = diff ? renderDiffView(diff.text) : undefined;
    if (!diff || content === undefined) return;
    const params = {
      channel_id: shown.channel,
      type: "diff",
      name: "Diff",
      content,
      ...(diff.baseBranch ? { base_branch: diff.baseBranch } : {}),
      ...(diff.headBranch ? { head_branch: diff.headBranch } : {}),
    };
    await this.send(shown, "diff", params, () =>
      this.api.call("agents.conversations.setView", params, { scope: shown.scope }),
    );
  }

  private async send(
    shown: ShownTabs,
    tab: "contextBar" | "crew" | "diff",
    content: unknown,
    call: () => Promise<unknown>,
  ): Promise<void> {
    const hash = hashOf(content);
    if (shown[tab] === hash) return;
    try {
      await call();
      shown[tab] = hash;
    } catch (error) {
      this.logger.warn({ err: error, channel: shown.channel, tab }, "could not update a code channel");
    }
  }
}
