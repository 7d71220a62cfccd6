import { watchDefaults } from "./watch-rule.ts";

/**
 * `/threadwork watch …`, after the word `watch`:
 *
 *   list
 *   off <rule id>
 *   [bots B1,A2] [matching "<glob>"] [reaction <emoji>] [limit <n>/h] [dedup <n>m]: <request>
 *
 * A new rule needs a request and at least one of bots, matching or reaction.
 */
export type WatchCommand =
  | { kind: "list" }
  | { kind: "off"; ruleId: string }
  | {
      kind: "create";
      bots: string[];
      pattern?: string;
      reaction?: string;
      hourlyLimit: number;
      dedupSeconds: number;
      request: string;
    }
  | { kind: "invalid"; problem: string };

export const watchUsage =
  '/threadwork watch [bots B123,A456] [matching "disk * full"] [reaction rotating_light] [limit 5/h] [dedup 10m]: <request> | list | off <id>';

const maximumHourlyLimit = 60;
const maximumPatternLength = 200;

/** `:emoji:`, or `:emoji::` where the last colon ends the rule. */
const emojiWord = /^(:[a-z0-9_+'-]+:):?$/;

/** Whether the `:` at `index` belongs to an `:emoji:` word. */
function inEmoji(text: string, index: number): boolean {
  let start = index;
  while (start > 0 && !/\s/.test(text[start - 1] ?? "")) start -= 1;
  let end = index;
  while (end < text.length && !/\s/.test(text[end] ?? "")) end += 1;
  // Longer than any emoji name: not one, and no long word is scanned twice.
  if (end - start > 102) return false;
  const emoji = emojiWord.exec(text.slice(start, end));
  return emoji?.[1] !== undefined && index - start < emoji[1].length;
}

/** Words before the first `:` outside quotes and outside an `:emoji:`, and the text after it. */
function splitRequest(text: string): { head: string[]; request: string } | undefined {
  let inQuotes = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '"') inQuotes = !inQuotes;
    else if (character === ":" && !inQuotes && !inEmoji(text, index)) {
      const head = text.slice(0, index).match(/"[^"]*"|\S+/g) ?? [];
      return { head, request: text.slice(index + 1).trim() };
    }
  }
  return undefined;
}

function invalid(problem: string): WatchCommand {
  return { kind: "invalid", problem };
}

export function parseWatchCommand(text: string): WatchCommand {
  const trimmed = text.trim();
  const words = trimmed.split(/\s+/);
  if (trimmed.toLowerCase() === "list") return { kind: "list" };
  if (words[0]?.toLowerCase() === "off") {
    const ruleId = words[1];
    if (!ruleId || words.length > 2) return invalid("say which rule to turn off: `watch off <id>`");
    return { kind: "off", ruleId };
  }
  const split = splitRequest(trimmed);
  if (!split || split.request === "") return invalid("end the rule with `: <what to do>`");
  const rule: Extract<WatchCommand, { kind: "create" }> = {
    kind: "create",
    bots: [],
    hourlyLimit: watchDefaults.hourlyLimit,
    dedupSeconds: watchDefaults.dedupSeconds,
    request: split.request,
  };
  const head = split.head;
  for (let index = 0; index < head.length; index += 2) {
    const keyword = head[index]?.toLowerCase();
    const value = head[index + 1];
    if (value === undefined) return invalid(`\`${keyword}\` needs a value`);
    switch (keyword) {
      case "bots": {
        const bots = value.split(",").filter((bot) => bot !== "");
        if (bots.length === 0 || !bots.every((bot) => /^[AB][A-Z0-9]{2,}$/.test(bot))) {
          return invalid("`bots` takes bot ids (B…) or app ids (A…), separated by commas");
        }
        rule.bots = bots;
        break;
      }
      case "matching": {
        const pattern = value.startsWith('"') ? value.slice(1, -1) : value;
        if (pattern === "" || pattern.length > maximumPatternLength) {
          return invalid(`\`matching\` takes a pattern of 1 to ${maximumPatternLength} characters`);
        }
        rule.pattern = pattern;
        break;
      }
      case "reaction": {
        const reaction = value.replace(/^:|:$/g, "");
        if (!/^[a-z0-9_+'-]+$/.test(reaction)) return invalid("`reaction` takes an emoji name");
        rule.reaction = reaction;
        break;
      }
      case "limit": {
        const limit = /^(\d+)\/h$/.exec(value);
        const count = Number(limit?.[1]);
        if (!limit || count < 1 || count > maximumHourlyLimit) {
          return invalid(`\`limit\` takes sessions per hour, 1 to ${maximumHourlyLimit}: \`limit 5/h\``);
        }
        rule.hourlyLimit = count;
        break;
      }
      case "dedup": {
        const dedup = /^(\d+)m$/.exec(value);
        const minutes = Number(dedup?.[1]);
        if (!dedup || minutes > 24 * 60) return invalid("`dedup` takes minutes, up to a day: `dedup 10m`");
        rule.dedupSeconds = minutes * 60;
        break;
      }
      default:
        return invalid(`unknown word \`${keyword}\``);
    }
  }
  if (rule.bots.length === 0 && rule.pattern === undefined && rule.reaction === undefined) {
    return invalid("say what to watch: `bots`, `matching` or `reaction`");
  }
  return rule;
}
