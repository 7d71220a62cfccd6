/**
 * Block Kit as HTML, close enough to Slack's look for documentation pictures: sections, context,
 * actions with buttons, dividers, headers and Slack's mrkdwn. Anything else shows its type, so a
 * picture never hides a block it cannot draw.
 */
interface Block {
  type: string;
  [field: string]: unknown;
}

const emoji: Record<string, string> = {
  gear: "⚙️",
  white_check_mark: "✅",
  hourglass_flowing_sand: "⏳",
  raising_hand: "🙋",
  x: "❌",
  no_entry_sign: "🚫",
  zzz: "💤",
  warning: "⚠️",
  lock: "🔒",
  hammer_and_wrench: "🛠️",
  speech_balloon: "💬",
  robot_face: "🤖",
  eyes: "👀",
  memo: "📝",
  stop_button: "⏹️",
  arrows_counterclockwise: "🔄",
  moneybag: "💰",
  package: "📦",
};

/** Names for the user ids the example mentions, as Slack shows a mention. */
const people: Record<string, string> = { U0THREADWORK: "Threadwork" };

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Slack's mrkdwn (already escaped with &amp; &lt; &gt;, as Slack receives it) as HTML. */
export function mrkdwnHtml(text: string): string {
  const blocks: string[] = [];
  let html = text.replace(/```([\s\S]*?)```/g, (_match, code: string) => {
    blocks.push(`<pre>${code.replace(/^\n/, "")}</pre>`);
    return `@@pre${blocks.length - 1}@@`;
  });
  html = html
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/&lt;(https?:[^|&]+)\|([^&]+)&gt;/g, '<a href="$1">$2</a>')
    .replace(/&lt;(https?:[^&]+)&gt;/g, '<a href="$1">$1</a>')
    .replace(
      /(?:&lt;|<)@(U[A-Z0-9]+)(?:&gt;|>)/g,
      (_match, id: string) => `<span class="mention">@${people[id] ?? id}</span>`,
    )
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, "$1<b>$2</b>")
    .replace(/(^|[\s(])_([^_\n]+)_/g, "$1<i>$2</i>")
    .replace(/(^|[\s(])~([^~\n]+)~/g, "$1<s>$2</s>")
    .replace(/:([a-z0-9_+-]+):/g, (match, name: string) => emoji[name] ?? match)
    .replace(/^(?:&gt;|>) ?(.*)$/gm, "<blockquote>$1</blockquote>")
    .replaceAll("\n", "<br>")
    .replaceAll("</blockquote><br>", "</blockquote>");
  return html.replace(/@@pre(\d+)@@/g, (_match, index: string) => blocks[Number(index)] ?? "");
}

function textHtml(text: unknown): string {
  const object = text as { type?: string; text?: string } | undefined;
  if (!object?.text) return "";
  return object.type === "mrkdwn" ? mrkdwnHtml(object.text) : escapeHtml(object.text);
}

function elementHtml(element: Block): string {
  if (element.type === "button") {
    const style = typeof element.style === "string" ? ` ${element.style}` : "";
    return `<span class="button${style}">${textHtml(element.text)}</span>`;
  }
  if (element.type === "mrkdwn" || element.type === "plain_text") return `<span>${textHtml(element)}</span>`;
  return `<span class="unknown">[${escapeHtml(element.type)}]</span>`;
}

export function blockHtml(block: Block): string {
  switch (block.type) {
    case "section": {
      const fields = Array.isArray(block.fields)
        ? `<div class="fields">${(block.fields as unknown[]).map((field) => `<div>${textHtml(field)}</div>`).join("")}</div>`
        : "";
      const accessory = block.accessory ? elementHtml(block.accessory as Block) : "";
      return `<div class="section"><div class="text">${textHtml(block.text)}${fields}</div>${accessory}</div>`;
    }
    case "context":
      return `<div class="context">${(block.elements as Block[]).map(elementHtml).join(" ")}</div>`;
    case "actions":
      return `<div class="actions">${(block.elements as Block[]).map(elementHtml).join("")}</div>`;
    case "divider":
      return "<hr>";
    case "header":
      return `<div class="header">${textHtml(block.text)}</div>`;
    default:
      return `<div class="unknown">[${escapeHtml(block.type)} block]</div>`;
  }
}

export interface PictureMessage {
  author: string;
  bot?: boolean;
  time: string;
  blocks: Block[];
}

const style = `
body { font: 15px/1.46668 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1c1d; margin: 0; background: #fff; width: 760px; }
.label { background: #fff4d6; color: #6b4e00; font-size: 12px; padding: 6px 20px; border-bottom: 1px solid #f0d98c; }
.thread { padding: 8px 0; }
.message { display: flex; padding: 8px 20px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff; display: flex; align-items: center; justify-content: center; font-weight: 700; margin-right: 8px; flex: none; }
.avatar.person { background: #2eb67d; }
.body { flex: 1; min-width: 0; }
.name { font-weight: 900; } .app { font-size: 10px; background: #e8e8e8; color: #616061; padding: 1px 3px; border-radius: 2px; margin-left: 4px; }
.time { color: #616061; font-size: 12px; margin-left: 6px; }
.section { display: flex; justify-content: space-between; gap: 12px; margin: 4px 0; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin-top: 4px; }
.context { color: #616061; font-size: 13px; margin: 4px 0; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.button { border: 1px solid #c4c4c4; border-radius: 4px; padding: 3px 12px; font-weight: 700; font-size: 13px; background: #fff; white-space: nowrap; height: fit-content; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { background: #fff; border-color: #c4c4c4; color: #e01e5a; }
code { font: 12px Monaco, Menlo, Consolas, monospace; color: #e01e5a; background: #f6f6f6; border: 1px solid #e8e8e8; border-radius: 3px; padding: 1px 3px; }
pre { font: 12px/1.5 Monaco, Menlo, Consolas, monospace; background: #f8f8f8; border: 1px solid #e8e8e8; border-radius: 4px; padding: 8px; white-space: pre-wrap; margin: 4px 0; }
blockquote { border-left: 4px solid #ddd; margin: 0; padding-left: 12px; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.unknown { color: #999; font-style: italic; }
hr { border: none; border-top: 1px solid #e8e8e8; }
`;

/** A thread as one HTML page, headed by `label` (what the picture is, and is not). */
export function threadHtml(label: string, messages: PictureMessage[]): string {
  const rows = messages.map((message) => {
    const initial = escapeHtml(message.author.slice(0, 1).toUpperCase());
    const app = message.bot ? '<span class="app">APP</span>' : "";
    return `<div class="message"><div class="avatar${message.bot ? "" : " person"}">${initial}</div><div class="body"><div><span class="name">${escapeHtml(message.author)}</span>${app}<span class="time">${escapeHtml(message.time)}</span></div>${message.blocks.map(blockHtml).join("")}</div></div>`;
  });
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(label)}</title><style>${style}</style></head>\n<body><div class="label">${escapeHtml(label)}</div><div class="thread">\n${rows.join("\n")}\n</div></body></html>\n`;
}
