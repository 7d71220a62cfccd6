import type { HttpAnswer } from "../http-answer.ts";

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#x27;");
}

/** One link in a page: its words and where it goes. */
export interface PageLink {
  text: string;
  href: string;
}

/** A plain page for the person installing: a title, sentences, and links; all text escaped. */
export function installPage(options: {
  status: number;
  title: string;
  paragraphs: string[];
  links?: PageLink[];
}): HttpAnswer {
  const links = (options.links ?? [])
    .map((link) => `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>`)
    .join("\n");
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title>
<style>body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }</style>
</head>
<body>
<h1>${escapeHtml(options.title)}</h1>
${options.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join("\n")}
${links}
</body>
</html>
`;
  return {
    status: options.status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    body,
  };
}
