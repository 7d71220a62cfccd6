import { dollars } from "../../../domain/spend-limits.ts";
import { contextLine, markdownSection, type SlackBlock } from "./block.ts";

/** One line of spend: a channel, a person or the workspace, against its limit when there is one. */
export interface SpendRow {
  /** `<#C…>`, `<@U…>` or "This workspace". */
  label: string;
  spentMicros: number;
  /** The limit with this period's extensions; undefined when no limit applies. */
  limitMicros: number | undefined;
}

export interface SpendHome {
  workspaceMonth: SpendRow;
  channelsToday: SpendRow[];
  peopleToday: SpendRow[];
  /** Whether the viewer sees everyone's spend (admins) or only their own. */
  everyone: boolean;
}

function line(row: SpendRow): string {
  if (row.limitMicros === undefined) return `${row.label}: ${dollars(row.spentMicros)} (no limit)`;
  const share = row.limitMicros > 0 ? Math.floor((row.spentMicros * 100) / row.limitMicros) : 100;
  const mark = share >= 100 ? " :no_entry:" : share >= 75 ? " :warning:" : "";
  return `${row.label}: ${dollars(row.spentMicros)} of ${dollars(row.limitMicros)} (${share}%)${mark}`;
}

/** App Home's spend section: the workspace this month, channels and people today, in UTC. */
export function spendBlocks(home: SpendHome): SlackBlock[] {
  const channels =
    home.channelsToday.length > 0 ? home.channelsToday.map(line) : ["No spend in channels today."];
  const people = home.peopleToday.length > 0 ? home.peopleToday.map(line) : ["No spend today."];
  return [
    { type: "header", text: { type: "plain_text", text: "Spend against limits" } },
    markdownSection(`*This month:* ${line(home.workspaceMonth)}`),
    markdownSection(["*Channels today*", ...channels].join("\n")),
    markdownSection([home.everyone ? "*People today*" : "*You today*", ...people].join("\n")),
    contextLine("Days and months are UTC. Admins change limits with `/threadwork limits`."),
    { type: "divider" },
  ];
}
