import { mentionOf } from "../../../domain/channel-settings.ts";
import { escapeText, slackDate } from "../blocks/format.ts";
import type { ChannelSettingsVersion } from "./settings-store.ts";

/** One change as `/threadwork settings history` lists it. */
function changeLine(version: ChannelSettingsVersion): string {
  const what = version.changes
    .map((change) => `${change.setting} → ${escapeText(JSON.stringify(change.value))}`)
    .join("; ");
  return `• v${version.version} ${slackDate(version.changedAt)} by ${mentionOf(version.changedBy)}: ${what || "nothing"}`;
}

/** The settings of a channel in force and the changes that led there, newest first. */
export function settingsHistoryText(channel: string, versions: readonly ChannelSettingsVersion[]): string {
  const [current] = versions;
  if (!current) return `<#${channel}> has no settings of its own: its sessions use the deployment's.`;
  return [
    `*Settings of <#${channel}>* (version ${current.version}): ${escapeText(JSON.stringify(current.settings))}`,
    "*Changes*",
    ...versions.map(changeLine),
  ].join("\n");
}
